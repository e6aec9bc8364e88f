// Answering: agents on a phone number are told to answer there; `client:NAME` agents get a Twilio.Device (the
// Voice SDK served from /static/dist/twilio.min.js) registered with a token from /desk/token, renewed before it
// expires. Without the settings the page says why browser calling is off; the rest of the desk works the same.
import { getJson } from "../common.js";
import { show } from "./dom.js";

export async function startPhone(root, words, { background, onSignedOut }) {
  const status = root.querySelector('[data-testid="phone-status"]');
  const answer = root.querySelector('[data-testid="answer"]');
  const contact = root.dataset.contact || "";
  if (!contact.startsWith("client:")) {
    status.textContent = words.t("phone_number", { number: contact });
    return null;
  }
  status.textContent = words.t("phone_starting");
  const token = await fetchToken(background, onSignedOut);
  if (!token) return null;
  if (!token.enabled) {
    status.textContent = words.label(token.reason, token.code);
    status.dataset.off = token.code;
    return null;
  }
  if (!window.Twilio || !window.Twilio.Device) {
    status.textContent = words.t("phone_failed", { error: "twilio.min.js did not load" });
    return null;
  }
  const device = new window.Twilio.Device(token.token, { closeProtection: true });
  device.on("registered", () => { status.textContent = words.t("phone_ready"); });
  device.on("error", (error) => { status.textContent = words.t("phone_failed", { error: error.message || error }); });
  device.on("tokenWillExpire", async () => {
    const fresh = await fetchToken(background, onSignedOut);
    if (fresh && fresh.enabled) device.updateToken(fresh.token);
  });
  device.on("incoming", (call) => {
    status.textContent = words.t("phone_incoming");
    show(answer, true);
    answer.onclick = () => { call.accept(); show(answer, false); };
    const done = () => { show(answer, false); status.textContent = words.t("phone_ready"); };
    for (const event of ["cancel", "disconnect", "reject"]) call.on(event, done);
  });
  await device.register();
  return device;
}

async function fetchToken(background, onSignedOut) {
  try {
    const token = await getJson("/desk/token", background);
    if (token && typeof token === "object") return token;
    onSignedOut(); // not JSON: the session ended and the sign-in page answered
    return null;
  } catch (error) {
    if (error.status === 401) onSignedOut();
    return null;
  }
}
