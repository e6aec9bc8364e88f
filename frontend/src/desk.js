// The agent desk (/desk): presence, the live caller card, wrap-up and my day. The server's snapshot
// (/desk/api/state) is the only truth: every live nudge and every (re)connection re-fetches it, so a withdrawn
// offer never lingers. Refreshes the page makes by itself carry X-Background: 1 and so do not keep an idle
// session alive; a 401 (the session is over) goes to the sign-in page.
import { BACKGROUND, coalesce, getJson, liveEvents, postJson, watchSession } from "./common.js";
import { cardNode } from "./desk/card.js";
import { clock, el, show, wordsOf } from "./desk/dom.js";
import { startPhone } from "./desk/phone.js";

const KINDS = ["agent", "offer", "entry", "call", "resync"];
const TICKING = new Set(["waiting", "offered"]);

const root = document.getElementById("desk");
const words = wordsOf(root);
const $ = (testid) => root.querySelector(`[data-testid="${testid}"]`);
const view = { state: null, fetchedAt: 0, cardKey: "", wrapEntry: null, waitedBase: null };

function signedOut() {
  window.location.assign(`/login?${new URLSearchParams({ next: "/desk", expired: "1" })}`);
}

function refused(error) {
  if (error && error.status === 401) return signedOut();
  const box = $("desk-error");
  box.textContent = words.t("error", { error: error.message || String(error) });
  show(box, true);
}

async function refresh() {
  try {
    const [state, day] = await Promise.all([getJson("/desk/api/state", BACKGROUND), getJson("/desk/api/day", BACKGROUND)]);
    view.state = state;
    view.fetchedAt = performance.now();
    await drawCard(state);
    drawPresence(state);
    drawWrapUp(state);
    drawDay(day);
    root.dataset.refreshed = String(Number(root.dataset.refreshed || 0) + 1);
  } catch (error) {
    refused(error);
  }
}

function drawPresence(state) {
  const agent = state.agent;
  $("presence").textContent = words.t(agent.status);
  $("presence").dataset.status = agent.status;
  $("presence-reason").textContent = agent.reason ? words.label(agent.reason_labels, agent.reason) : "";
  for (const button of root.querySelectorAll("button[data-status]")) {
    button.disabled = !agent.may_change || (button.dataset.status === agent.status && agent.status !== "break");
    button.title = agent.why_not ? words.label(agent.why_not) : "";
  }
  $("break-reason").disabled = !agent.may_change;
  fillSelect($("break-reason"), state.break_reasons, agent.reason);
  $("why-not").textContent = agent.why_not ? words.label(agent.why_not) : "";
  show($("why-not"), Boolean(agent.why_not));
  show($("wrapup-timer"), agent.status === "wrap_up");
  tick();
}

function fillSelect(select, items, chosen, placeholder = null) {
  const codes = items.map((item) => item.code).join(",");
  if (select.dataset.codes === codes) return;
  const keep = select.value || chosen || "";
  select.replaceChildren(...(placeholder ? [el("option", { value: "" }, placeholder)] : []),
    ...items.map((item) => el("option", { value: item.code }, words.label(item.labels, item.code))));
  select.dataset.codes = codes;
  if (keep && items.some((item) => item.code === keep)) select.value = keep;
}

async function drawCard(state) {
  let card = state.offer ? state.offer.card : null;
  if (!card && state.wrap_up) {
    card = await getJson(`/desk/api/card/${encodeURIComponent(state.wrap_up.call_sid)}`, BACKGROUND);
  }
  view.waitedBase = card && TICKING.has(card.status) ? card.waited_s : null;
  const key = card ? JSON.stringify(card) : "";
  show($("caller-card"), Boolean(card));
  show($("no-call"), !card);
  if (key === view.cardKey) return;
  view.cardKey = key;
  $("caller-card").replaceChildren(...(card ? [cardNode(card, words, state.dispositions)] : []));
}

function drawWrapUp(state) {
  const offer = state.offer;
  const pending = state.wrap_up || (offer && offer.status === "answered" ? { entry_id: offer.entry_id } : null);
  show($("wrapup"), Boolean(pending));
  if (!pending) {
    view.wrapEntry = null;
    return;
  }
  const form = $("wrapup").querySelector("form");
  if (view.wrapEntry !== pending.entry_id) {
    form.reset();
    form.elements.disposition.dataset.codes = "";
    show($("wrapup-saved"), false);
    view.wrapEntry = pending.entry_id;
  }
  fillSelect(form.elements.disposition, state.dispositions, null, words.t("choose"));
}

function drawDay(day) {
  $("day-handled").textContent = String(day.calls_handled ?? 0);
  $("day-avg-handle").textContent = day.average_handle_s == null ? "–" : clock(day.average_handle_s);
  const states = Object.entries(day.time_in_state_s || {}).map(([status, seconds]) =>
    [el("dt", {}, words.t(status)), el("dd", { "data-testid": `day-${status}` }, clock(seconds))]);
  $("day-states").replaceChildren(...states.flat());
}

/** Once a second: the caller's wait so far and the wrap-up countdown, from the snapshot's figures. */
function tick() {
  if (!view.state) return;
  const elapsed = (performance.now() - view.fetchedAt) / 1000;
  const waited = root.querySelector('[data-testid="card-waited"]');
  if (waited && view.waitedBase !== null) waited.textContent = clock(view.waitedBase + elapsed);
  const left = view.state.agent.wrap_up_left_s;
  if (left !== null && left !== undefined) {
    $("wrapup-countdown").textContent = words.t("wrap_left", { s: Math.max(0, Math.ceil(left - elapsed)) });
  }
}

async function act(promise) {
  try {
    await promise;
    show($("desk-error"), false);
  } catch (error) {
    refused(error);
  }
  await refresh();
}

function wire() {
  for (const button of root.querySelectorAll("button[data-status]")) {
    button.addEventListener("click", () => {
      const status = button.dataset.status;
      const reason = status === "break" ? $("break-reason").value || null : null;
      act(postJson("/desk/api/status", { status, reason }));
    });
  }
  $("ready").addEventListener("click", () => act(postJson("/desk/api/ready", {})));
  $("wrapup").querySelector("form").addEventListener("submit", (event) => {
    event.preventDefault();
    const form = event.target;
    const body = { entry_id: view.wrapEntry, disposition: form.elements.disposition.value, notes: form.elements.notes.value,
      follow_up: form.elements.follow_up.checked, ready: event.submitter?.name === "save_ready" };
    act(postJson("/desk/api/wrapup", body).then(() => show($("wrapup-saved"), true)));
  });
}

function live() {
  const again = coalesce(refresh, 100);
  const badge = $("live");
  liveEvents("/desk/events", () => again(), {
    kinds: KINDS,
    onState: (state) => {
      // The first failure of an outage re-fetches once: a refused stream may mean the session is over (401).
      if (state !== "open" && badge.dataset.state === "open") again();
      badge.dataset.state = state;
      badge.textContent = words.t(state === "open" ? "live" : "reconnecting");
    },
  });
}

wire();
refresh();
live();
watchSession({ onEnded: signedOut });
setInterval(tick, 1000);
startPhone(root, words, { background: BACKGROUND, onSignedOut: signedOut }).catch((error) => {
  $("phone-status").textContent = words.t("phone_failed", { error: error.message || error });
});
