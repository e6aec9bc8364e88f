// The voicemail inbox page (/board/voicemail): lists voicemails from /board/api/voicemail, plays one through its
// signed, expiring link, assigns, marks handled, calls back. Caller data is set with textContent only.
import { getJson, postJson, watchSession } from "./common.js";

const list = document.querySelector('[data-testid="voicemail-list"]');
const empty = document.querySelector('[data-testid="voicemail-empty"]');
const player = document.querySelector('[data-testid="voicemail-audio"]');
const rowTemplate = document.getElementById("voicemail-row");
const noTranscript = document.getElementById("no-transcript")?.textContent || "";
let shown = "new";

function field(item, name) {
  return item.querySelector(`[data-field="${name}"]`);
}

function entered(values) {
  return (values || []).map((v) => `${v.name}: ${v.value}`).join(", ");
}

function render(voicemail) {
  const item = rowTemplate.content.firstElementChild.cloneNode(true);
  item.dataset.id = String(voicemail.id);
  field(item, "number").textContent = voicemail.caller.number || "-";
  field(item, "created_at").textContent = new Date(voicemail.created_at).toLocaleString();
  field(item, "transcript").textContent = voicemail.transcript || noTranscript;
  field(item, "path").textContent = (voicemail.caller.path || []).join(" → ");
  field(item, "entered").textContent = entered(voicemail.caller.entered);
  field(item, "assigned_to").textContent = voicemail.assigned_to || "-";
  field(item, "agent").value = voicemail.assigned_to || "";
  item.querySelector('[data-action="play"]').disabled = !voicemail.local_copy;
  return item;
}

async function refresh() {
  const page = await getJson(`/board/api/voicemail?status=${encodeURIComponent(shown)}`);
  list.replaceChildren(...page.recordings.map(render));
  empty.hidden = page.recordings.length > 0;
}

async function act(item, action) {
  const id = item.dataset.id;
  if (action === "play") {
    const link = await getJson(`/board/api/recordings/${id}/link`);
    player.src = link.url;
    await player.play();
    return;
  }
  if (action === "assign") {
    const agent = field(item, "agent").value.trim();
    await postJson(`/board/api/voicemail/${id}/assign`, { agent: agent || null });
  } else if (action === "handled") {
    await postJson(`/board/api/voicemail/${id}/status`, { status: "handled" });
  } else if (action === "callback") {
    await postJson(`/board/api/voicemail/${id}/callback`, {});
  }
  await refresh();
}

list.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-action]");
  if (!button) return;
  const item = button.closest("[data-id]");
  field(item, "error").textContent = "";
  act(item, button.dataset.action).catch((error) => {
    field(item, "error").textContent = error.message;
  });
});

document.querySelectorAll("button[data-status]").forEach((button) => {
  button.addEventListener("click", () => {
    shown = button.dataset.status;
    refresh().catch((error) => { empty.hidden = false; empty.textContent = error.message; });
  });
});

refresh().catch((error) => { empty.hidden = false; empty.textContent = error.message; });
watchSession();
