// The supervisor's pages. On /board: the wallboard follows /board/events as nudges and re-fetches the snapshot
// /board/api/state (coalesced: at most two a second, and on every (re)connect) — never a timer poll; tiles, the
// agents table and the Chart.js charts are drawn from that snapshot with textContent only (caller data is
// untrusted). On /board/abandoned: the call-back buttons. Words come from the page's data-words attribute.
import { BACKGROUND, coalesce, getJson, liveEvents, postJson, watchSession } from "./common.js";

// Fetches the page makes by itself (nudges) carry common.js BACKGROUND: they must not count as the supervisor
// using the session; watchSession sends an idle page to /login when the session ends.
const KINDS = ["agent", "offer", "entry", "call"];
const STATE_ORDER = ["on_call", "wrap_up", "available", "break", "offline"];
const COLOURS = { offered: "#1f6feb", answered: "#1a7f37", abandoned: "#cf222e", estimate: "#8250df", target: "#9a6700" };

function wordsOf(element) {
  try {
    return JSON.parse(element.dataset.words || "{}");
  } catch (error) {
    console.warn("board: the page's words are not JSON", error);
    return {};
  }
}

const percent = (x) => (x === null || x === undefined ? "–" : `${(x * 100).toFixed(1)} %`);
const seconds = (x, w) => (x === null || x === undefined ? "–" : `${Math.round(x)} ${w["board.seconds"] || "s"}`);

function duration(total) {
  const s = Math.max(0, Math.floor(total));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (n) => String(n).padStart(2, "0");
  return h ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`;
}

function setText(element, text) {
  if (element.textContent !== text) element.textContent = text;
}

// ---------------------------------------------------------------------------------------------------------------
function wallboard(root) {
  const w = wordsOf(root);
  const liveState = document.getElementById("live-state");
  const messageLine = document.getElementById("board-message");
  const chartQueue = document.getElementById("chart-queue");
  let snapshot = null;
  let fetchedAt = 0;
  let inFlight = false;
  let again = false;
  const charts = {};

  const say = (text) => setText(messageLine, text || "");

  async function refresh() {
    if (inFlight) {
      again = true; // one more right after this one: a nudge came while we were reading
      return;
    }
    inFlight = true;
    try {
      snapshot = await getJson("/board/api/state", BACKGROUND);
      fetchedAt = Date.now();
      render();
      say("");
    } catch (error) {
      say(`${w["board.failed"] || "Failed"}: ${error.message}`);
    } finally {
      inFlight = false;
      if (again) {
        again = false;
        soon();
      }
    }
  }
  const soon = coalesce(refresh, 500);

  function render() {
    for (const tile of snapshot.queues) renderTile(tile);
    renderAgents();
    renderCharts();
  }

  function renderTile(q) {
    const card = root.querySelector(`.tile[data-queue="${CSS.escape(q.name)}"]`);
    if (!card) return;
    const erlang = q.erlang_c || {};
    const values = {
      waiting: String(q.waiting),
      longest_wait_now_s: seconds(q.longest_wait_now_s, w),
      service_level: percent(q.service_level),
      target: `${q.service_level_pct} % / ${q.service_level_s} ${w["board.seconds"] || "s"}`,
      asa_s: seconds(q.asa_s, w),
      aht_s: seconds(q.aht_s, w),
      "erlang.service_level": percent(erlang.service_level),
      "erlang.asa_s": seconds(erlang.asa_s, w),
      "erlang.handle_s": seconds(erlang.handle_s, w),
      "erlang.agents_needed": erlang.agents_needed === undefined || erlang.agents_needed === null ? "–" : String(erlang.agents_needed),
    };
    for (const key of ["agents_staffed", "agents_available", "agents_on_call", "agents_wrap_up", "agents_break",
      "offered", "answered", "abandoned"]) values[key] = String(q[key]);
    for (const element of card.querySelectorAll("[data-f]")) {
      const value = values[element.dataset.f];
      if (value !== undefined) setText(element, value);
    }
    const sl = card.querySelector("[data-sl]");
    for (const colour of ["green", "amber", "red", "none"]) sl.classList.toggle(`sl-${colour}`, q.service_level_colour === colour);
  }

  function renderAgents() {
    const body = document.getElementById("agent-rows");
    const agents = [...snapshot.agents].sort((a, b) => STATE_ORDER.indexOf(a.state) - STATE_ORDER.indexOf(b.state)
      || String(a.name).localeCompare(String(b.name)));
    document.getElementById("no-agents").hidden = agents.length > 0;
    body.replaceChildren(...agents.map(agentRow));
  }

  function agentRow(agent) {
    const row = document.createElement("tr");
    row.dataset.testid = `agent-${agent.id}`;
    row.dataset.since = String(agent.in_state_s ?? 0);
    const cell = (text, cls) => {
      const td = document.createElement("td");
      td.textContent = text;
      if (cls) td.className = cls;
      row.append(td);
      return td;
    };
    cell(agent.name && agent.name !== agent.id ? `${agent.name} (${agent.id})` : agent.id);
    const state = document.createElement("span");
    state.className = `state state-${agent.state}`;
    state.dataset.testid = "agent-state";
    state.textContent = w[`board.state.${agent.state}`] || agent.state;
    cell("").append(state);
    cell(duration(agent.in_state_s ?? 0), "in-state");
    const call = agent.call;
    cell(call ? `${call.queue} · ${call.from} · ${duration(call.talking_s ?? 0)}` : "");
    cell(String(agent.calls_today ?? 0));
    const actions = cell("");
    const button = (label, status) => {
      const b = document.createElement("button");
      b.type = "button";
      b.textContent = label;
      b.dataset.testid = status === "offline" ? "force-offline" : "end-wrap-up";
      b.addEventListener("click", () => act(agent.id, status, b));
      actions.append(b);
    };
    if (agent.state === "wrap_up") button(w["board.end_wrap_up"] || "End wrap-up", "available");
    if (agent.state !== "offline" && agent.state !== "on_call") button(w["board.force_offline"] || "Force offline", "offline");
    return row;
  }

  async function act(agentId, status, button) {
    button.disabled = true;
    try {
      await postJson(`/board/api/agents/${encodeURIComponent(agentId)}/status`, { status });
      say("");
    } catch (error) {
      say(`${w["board.failed"] || "Failed"}: ${error.message}`);
    } finally {
      button.disabled = false;
      soon();
    }
  }

  // Time in state moves on between snapshots: drawn from the last snapshot plus the time since (no fetch).
  function tick() {
    if (!snapshot) return;
    const gone = (Date.now() - fetchedAt) / 1000;
    for (const row of document.querySelectorAll("#agent-rows tr")) {
      setText(row.querySelector(".in-state"), duration(Number(row.dataset.since) + gone));
    }
  }

  function slotLabels() {
    const format = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit", hour12: false, timeZone: snapshot.timezone });
    return snapshot.series.slots.map((slot) => format.format(new Date(slot)));
  }

  function renderCharts() {
    if (typeof window.Chart !== "function") {
      say("Chart.js did not load: /static/dist/chart.umd.js is missing (run make frontend)");
      return;
    }
    const name = chartQueue.value || (snapshot.queues[0] || {}).name;
    const series = snapshot.series.queues[name];
    const buckets = snapshot.wait_buckets.queues[name];
    if (!series || !buckets) return;
    const labels = slotLabels();
    const edges = snapshot.wait_buckets.edges_s;
    const bucketLabels = edges.map((edge, i) => (i + 1 < edges.length ? `${edge}–${edges[i + 1]}` : `${edge}+`));
    const tile = snapshot.queues.find((q) => q.name === name);
    draw("volume", "bar", labels, [
      { label: w["board.offered"], data: series.offered, backgroundColor: COLOURS.offered },
      { label: w["board.answered"], data: series.answered, backgroundColor: COLOURS.answered },
      { label: w["board.abandoned"], data: series.abandoned, backgroundColor: COLOURS.abandoned },
    ]);
    draw("waits", "bar", bucketLabels, [
      { label: w["board.answered"], data: buckets.answered, backgroundColor: COLOURS.answered },
      { label: w["board.abandoned"], data: buckets.abandoned, backgroundColor: COLOURS.abandoned },
    ], { slEdge: edges.indexOf(buckets.service_level_s), slLabel: `${w["board.sl_line"]} ${buckets.service_level_s} ${w["board.seconds"]}` });
    draw("sl", "line", labels, [
      { label: w["board.service_level"], data: series.service_level_so_far.map((x) => (x === null ? null : x * 100)),
        borderColor: COLOURS.answered, spanGaps: true },
      { label: "%", data: labels.map(() => tile.service_level_pct), borderColor: COLOURS.target, borderDash: [6, 4], pointRadius: 0 },
    ], { max: 100 });
    draw("estimate", "line", labels, [
      { label: w["board.estimate"], data: series.estimate_s, borderColor: COLOURS.estimate, spanGaps: true },
      { label: w["board.actual"], data: series.actual_wait_s, borderColor: COLOURS.offered, spanGaps: true },
    ]);
  }

  function draw(id, type, labels, datasets, extra = {}) {
    const existing = charts[id];
    if (existing) {
      existing.data.labels = labels;
      existing.data.datasets = datasets;
      existing.options.plugins.slLine = extra;
      existing.update("none");
      return;
    }
    const canvas = document.getElementById(`chart-${id}`);
    charts[id] = new window.Chart(canvas, {
      type,
      data: { labels, datasets },
      options: {
        animation: false, responsive: true, maintainAspectRatio: false,
        scales: { y: { beginAtZero: true, ...(extra.max ? { max: extra.max } : {}) } },
        plugins: { slLine: extra },
      },
      plugins: [SL_LINE],
    });
  }

  chartQueue.addEventListener("change", () => snapshot && renderCharts());
  liveEvents("/board/events", soon, {
    kinds: KINDS,
    onState: (state) => {
      liveState.className = state === "open" ? "live" : "reconnecting";
      setText(liveState, state === "open" ? w["board.live"] || "Live" : w["board.reconnecting"] || "Reconnecting…");
    },
  });
  setInterval(tick, 1000);
}

// The service-level line on the wait chart: a dashed vertical line between the buckets below and above the target.
const SL_LINE = {
  id: "slLine",
  afterDatasetsDraw(chart, _args, options) {
    if (!options || !(options.slEdge > 0)) return;
    const x = chart.scales.x;
    const left = x.getPixelForValue(options.slEdge - 1);
    const right = x.getPixelForValue(options.slEdge);
    const at = (left + right) / 2;
    const { top, bottom } = chart.chartArea;
    const ctx = chart.ctx;
    ctx.save();
    ctx.strokeStyle = COLOURS.target;
    ctx.setLineDash([6, 4]);
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.moveTo(at, top);
    ctx.lineTo(at, bottom);
    ctx.stroke();
    ctx.fillStyle = COLOURS.target;
    ctx.fillText(options.slLabel || "", at + 4, top + 12);
    ctx.restore();
  },
};

// ---------------------------------------------------------------------------------------------------------------
function abandonedList(root) {
  const w = wordsOf(root);
  for (const row of root.querySelectorAll("tr[data-entry]")) {
    const button = row.querySelector('[data-testid="callback"]');
    const target = row.querySelector('[data-testid="callback-target"]');
    const status = row.querySelector('[data-testid="callback-status"]');
    button.addEventListener("click", async () => {
      button.disabled = true;
      status.classList.remove("failed");
      const body = target.value ? { target: "agent", agent: target.value } : { target: "queue" };
      try {
        const placed = await postJson(`/board/api/abandoned/${encodeURIComponent(row.dataset.entry)}/callback`, body);
        status.textContent = `${w["abandoned.placed"]}: ${placed.status} · ${placed.call_sid || ""}`;
        status.dataset.callSid = placed.call_sid || "";
      } catch (error) {
        status.classList.add("failed");
        status.textContent = error.status === 503 ? `${w["abandoned.no_rest"]} (${error.message})` : `${w["board.failed"]}: ${error.message}`;
      } finally {
        button.disabled = false;
      }
    });
  }
}

const board = document.getElementById("board");
if (board) wallboard(board);
const abandoned = document.getElementById("abandoned");
if (abandoned) abandonedList(abandoned);
watchSession();
