// The caller card drawn from /desk/api/state's card: who, what they entered and said, the path menu by menu, why
// this agent, earlier calls. Built with el() (textContent) only: every value here came from a caller.
import { clock, el } from "./dom.js";

/** The card as a fresh element tree; `waited` is a span desk.js keeps ticking while the caller still waits. */
export function cardNode(card, words, dispositions) {
  const { t } = words;
  return el("div", { class: "card-body" },
    el("dl", { class: "facts" },
      fact(t("number"), card.number, "card-number"),
      fact(t("language"), card.language, "card-language"),
      fact(t("queue"), card.queue, "card-queue"),
      fact(t("waited"), el("span", { "data-testid": "card-waited" }, clock(card.waited_s)), "card-wait"),
      fact(t("priority"), card.priority, "card-priority")),
    block(t("entered"), "card-entered", (card.entered || []).map((item) => el("li", {},
      el("span", { class: "name" }, item.name), ": ", el("span", { class: "value" }, item.value),
      item.sensitive ? el("span", { class: "muted" }, ` ${t("masked")}`) : null))),
    block(t("said"), "card-speech", (card.speech || []).map((item) => el("li", {},
      el("q", {}, item.transcript), " ", el("span", { class: "muted" }, confidence(item.confidence, t))))),
    block(t("path"), "card-path", (card.path || []).map((stop) => el("li", {},
      el("span", { class: "node" }, stop.node), " ",
      el("span", { class: "inputs" }, stop.inputs.map((input) => inputText(input, t)).filter(Boolean).join(" · "))))),
    why(card.why, t),
    history(card.history || [], words, dispositions),
    card.wrap_up ? el("p", { class: "wrapped", "data-testid": "card-wrapped" },
      `${t("disposition")}: ${dispositionLabel(card.wrap_up.disposition, words, dispositions)} — ${card.wrap_up.notes}`) : null);
}

function fact(term, value, testid) {
  return [el("dt", {}, term), el("dd", { "data-testid": testid }, value ?? "–")];
}

function block(title, testid, items, ordered = true) {
  return el("section", { class: "card-part" }, el("h3", {}, title),
    items.length ? el(ordered ? "ol" : "ul", { "data-testid": testid }, items) : el("p", { class: "muted", "data-testid": testid }, "–"));
}

function confidence(value, t) {
  return typeof value === "number" ? `(${t("confidence", { pct: Math.round(value * 100) })})` : "";
}

function inputText(input, t) {
  switch (input.type) {
    case "keys": return t("keys", { digits: input.digits });
    case "language": return t("chose_language", { language: input.language });
    case "speech": return `“${input.transcript}” ${confidence(input.confidence, t)}`;
    case "queued": return t("queued", { queue: input.queue });
    case "confirmed": return `${input.type} ${input.answer ?? ""}`.trim();
    default: return input.type;
  }
}

function why(reason, t) {
  if (!reason) return null;
  const candidates = (reason.candidates || []).map((c) => el("li", {}, `${c.agent} (${c.via}): ${c.score}`));
  return el("section", { class: "card-part", "data-testid": "card-why" }, el("h3", {}, t("why")),
    el("p", {}, t("rule", { rule: reason.rule })), candidates.length ? el("ol", {}, candidates) : null);
}

function history(calls, words, dispositions) {
  const { t } = words;
  const rows = calls.map((call) => el("li", { class: "earlier" },
    el("time", { datetime: call.started_at }, new Date(call.started_at).toLocaleString(words.lang)), " ",
    el("span", {}, `${call.queue ?? "–"} · ${t("outcome")}: ${call.outcome ?? "–"}`),
    call.disposition ? el("span", { class: "disposition" }, ` · ${t("disposition")}: ${dispositionLabel(call.disposition, words, dispositions)}`) : null,
    call.follow_up ? el("strong", { class: "follow-up" }, ` · ${t("follow_up")}`) : null,
    call.notes ? el("p", { class: "notes" }, call.notes) : null));
  return el("section", { class: "card-part" }, el("h3", {}, t("history")),
    rows.length ? el("ul", { "data-testid": "card-history" }, rows) : el("p", { class: "muted", "data-testid": "card-history" }, t("no_history")));
}

/** A disposition code in the page's language when the queue lists it, else the code itself. */
export function dispositionLabel(code, words, dispositions) {
  const known = (dispositions || []).find((d) => d.code === code);
  return known ? words.label(known.labels, code) : code;
}
