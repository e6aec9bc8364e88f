// Helpers every console page imports (`import { postJson, liveEvents } from "./common.js"`): the CSRF header,
// JSON POSTs, and the live event stream as nudges to re-fetch a snapshot. Bundled into each page's script.

const JSON_HEADERS = { "Content-Type": "application/json", Accept: "application/json" };

/** The header (ivr/accounts/web.py BACKGROUND_HEADER) on fetches a page makes by itself — a nudge's re-fetch, a
 * token renewal, the session check: the server does not count them as the person using the session. */
export const BACKGROUND_HEADER = "X-Background";
/** Request options for such a background fetch of JSON: `getJson(url, BACKGROUND)`. */
export const BACKGROUND = Object.freeze({ headers: { Accept: "application/json", [BACKGROUND_HEADER]: "1" } });

/** The header the server's CSRF check wants, read from the page's <meta name="csrf-token" content="...">. */
export function csrfHeaders(doc = document) {
  const meta = doc.querySelector('meta[name="csrf-token"]');
  if (!meta || !meta.content) throw new Error('this page has no <meta name="csrf-token">: cannot send a POST');
  return { "X-CSRFToken": meta.content };
}

/** An error answer from our server: `status` is the HTTP status, `message` the JSON `error` if it gave one. */
export class HttpError extends Error {
  constructor(status, message, body) {
    super(message);
    this.name = "HttpError";
    this.status = status;
    this.body = body;
  }
}

/** Fetch `url` as JSON (same-origin cookies); throws HttpError for any answer but 2xx. */
export async function getJson(url, options = {}) {
  const answer = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" }, ...options });
  const body = await readBody(answer);
  if (!answer.ok) throw new HttpError(answer.status, errorText(answer, body), body);
  return body;
}

/** POST `body` as JSON with the CSRF header; resolves to the parsed answer, throws HttpError on a refusal. */
export function postJson(url, body) {
  return getJson(url, { method: "POST", headers: { ...JSON_HEADERS, ...csrfHeaders() }, body: JSON.stringify(body ?? {}) });
}

async function readBody(answer) {
  const type = answer.headers.get("Content-Type") || "";
  if (answer.status === 204) return null;
  return type.includes("application/json") ? answer.json() : answer.text();
}

function errorText(answer, body) {
  if (body && typeof body === "object" && body.error) return String(body.error);
  return `${answer.status} ${answer.statusText}`.trim();
}

/**
 * Follow a Server-Sent Events stream as nudges. `onNudge(nudge)` gets `{kind, ref, queue, id}` for each event
 * of the given `kinds` (the server names each event by its kind; unnamed events arrive too), and
 * `{kind: "resync"}` whenever the stream (re)opens — then the page must re-fetch its whole snapshot, since
 * events may have been missed while it was away. The browser reconnects by itself after a dropped connection
 * (sending Last-Event-ID); when the server refused the stream (session expired, server restarting) the browser
 * gives up, so this reconnects with a growing delay (up to `maxDelayMs`). `onState("open" | "reconnecting")`
 * lets the page show that it is live. Returns `{close()}`.
 */
export function liveEvents(url, onNudge, { kinds = [], onState = () => {}, maxDelayMs = 30000 } = {}) {
  let source = null;
  let timer = null;
  let delayMs = 1000;
  let closed = false;

  const deliver = (event) => {
    let data = {};
    try {
      data = event.data ? JSON.parse(event.data) : {};
    } catch (error) {
      console.warn("live events: not JSON, treated as a bare nudge", event.data);
    }
    onNudge({ kind: event.type === "message" ? data.kind : event.type, ...data, id: event.lastEventId || null });
  };

  const open = () => {
    source = new EventSource(url, { withCredentials: true });
    source.addEventListener("open", () => {
      delayMs = 1000;
      onState("open");
      onNudge({ kind: "resync" });
    });
    source.addEventListener("message", deliver);
    for (const kind of kinds) source.addEventListener(kind, deliver);
    source.addEventListener("error", () => {
      onState("reconnecting");
      if (source.readyState !== EventSource.CLOSED || closed) return; // the browser is retrying by itself
      timer = setTimeout(open, delayMs);
      delayMs = Math.min(delayMs * 2, maxDelayMs);
    });
  };

  open();
  return {
    close() {
      closed = true;
      clearTimeout(timer);
      if (source) source.close();
    },
  };
}

/** `fn` run once, `waitMs` after the first of a burst of calls (a burst of nudges, one re-fetch); calls while it
 * waits join that run, so a steady stream of nudges still re-fetches every `waitMs`. */
export function coalesce(fn, waitMs = 100) {
  let timer = null;
  return () => {
    if (timer !== null) return;
    timer = setTimeout(() => {
      timer = null;
      fn();
    }, waitMs);
  };
}

/**
 * Send an open page to the sign-in page when its session ends unused (SESSION_IDLE_S). Asks
 * /account/api/session in the background how long the session has left and asks again just after that; a 401
 * means the session is over (unused, signed out elsewhere, password changed, user disabled). Returns `{stop()}`.
 */
export function watchSession({ url = "/account/api/session", onEnded = toSignIn, retryMs = 30000 } = {}) {
  let timer = null;
  const check = async () => {
    try {
      const answer = await getJson(url, BACKGROUND);
      const leftMs = (Number(answer.left_s) + 1) * 1000;
      timer = setTimeout(check, Math.min(Math.max(leftMs, 1000), 3600 * 1000));
    } catch (error) {
      if (error.status === 401) return onEnded();
      timer = setTimeout(check, retryMs); // the server is away for a moment: ask again later
    }
  };
  check();
  return { stop: () => clearTimeout(timer) };
}

/** The sign-in page, coming back here afterwards, with the "signed out after a while without use" notice. */
export function toSignIn() {
  const here = window.location.pathname + window.location.search;
  window.location.assign(`/login?${new URLSearchParams({ next: here, expired: "1" })}`);
}
