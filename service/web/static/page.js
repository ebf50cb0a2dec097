// The analyst page: sends handles or a CSV to the API, shows the scores and their evidence, exports CSV.
// Account text is untrusted: it only ever reaches the page through textContent, never as HTML.
"use strict";

const KEY_STORAGE = "parrotwatch.apiKey";
// A handle as the API takes one (ingest/handles.py): 1-64 characters without whitespace, control or invisible
// characters or slashes, and not only dots. Platform syntax (X's 1-15 letters, digits or _) is the server's business.
const MAX_HANDLE_CHARS = 64;
const COMPONENT_ORDER = ["narrative", "repetition", "coordination", "behaviour"];
const POLL_MS = 1000;
const PAGE_SIZE = 25; // rows of the results table per page
const SVG_NS = "http://www.w3.org/2000/svg";

const app = document.getElementById("app");
const maxHandles = Number(app.dataset.maxHandles || 100);
const thresholds = { high: Number(app.dataset.high), elevated: Number(app.dataset.elevated) };
const rows = new Map(); // lower-cased handle -> AccountScore
const failures = new Map(); // lower-cased handle -> {handle, message}
const unavailable = new Set(); // API features this server lacks (404/405), hidden from then on
let page = 0; // the results table's page, from 0

// ---- small helpers -------------------------------------------------------------------------------------------

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (name === "class") node.className = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else if (value !== undefined && value !== null && value !== false) node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined) node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

function svg(tag, attrs = {}, text) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

const fmt = (value, digits = 2) => (value === null || value === undefined ? "–" : Number(value).toFixed(digits));
const bandLabel = (band) => (band === "insufficient_data" ? "insufficient data" : band);

function formatGap(seconds) {
  const s = Math.abs(Number(seconds));
  if (s < 60) return `${Math.round(s)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
  return `${(s / 3600).toFixed(1)} h`;
}

function showMessage(text, kind = "error") {
  const box = document.getElementById("messages");
  box.append(el("p", { class: kind }, text));
}

function clearMessages() {
  document.getElementById("messages").replaceChildren();
}

// ---- the API ------------------------------------------------------------------------------------------------

// Problem types of "no such route": a 404 of any other type is an answer about the thing asked for.
const NO_ROUTE = new Set([undefined, "about:blank", "/problems/not-found"]);

// `missing`: the server has no such endpoint (an older server), so the page hides that feature.
class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail && problem.detail !== problem.title ? `${problem.title}: ${problem.detail}` : problem.title);
    this.status = status;
    this.type = problem.type;
    this.missing = status === 405 || (status === 404 && NO_ROUTE.has(problem.type));
    this.retryAfterS = Number(problem.retryAfterS) || 5;
  }
}

async function readProblem(response) {
  const fallback = `${response.status} ${response.statusText}`.trim();
  try {
    const body = await response.json();
    const detail = typeof body.detail === "string" ? body.detail : "";
    const retryAfterS = body.retry_after_s ?? response.headers.get("Retry-After");
    return { title: body.title || detail || fallback, detail, type: body.type, retryAfterS };
  } catch {
    return { title: fallback, detail: "" }; // not JSON: the status line says enough
  }
}

// Every call carries the session's key; a 401 drops the key and asks for it again.
async function api(path, options = {}) {
  const headers = new Headers(options.headers || {});
  const key = sessionStorage.getItem(KEY_STORAGE);
  if (key) headers.set("Authorization", `Bearer ${key}`);
  const response = await fetch(path, { ...options, headers });
  if (response.ok) return response;
  const problem = await readProblem(response);
  if (response.status === 401 && !key) {
    setKey(null, "This server needs an API key: enter it above.");
    problem.title = "This server needs an API key: enter it above, then score again";
    problem.detail = "";
  } else if (response.status === 401) {
    setKey(null, "Key rejected, enter it again.");
    problem.title = "Key rejected, enter it again";
  } else if (response.status === 403) {
    problem.title = "Your key's role may not do this";
  }
  throw new ApiError(response.status, problem);
}

const postJson = (path, body) =>
  api(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });

// ---- the key ------------------------------------------------------------------------------------------------

function setKey(key, note) {
  if (key) sessionStorage.setItem(KEY_STORAGE, key);
  else sessionStorage.removeItem(KEY_STORAGE);
  const has = Boolean(sessionStorage.getItem(KEY_STORAGE));
  document.getElementById("key-form").hidden = has;
  document.getElementById("forget-key").hidden = !has;
  document.getElementById("key-status").textContent =
    note || (has ? "Key set for this browser tab." : "No key entered: the server may refuse requests.");
  if (!has && note) document.getElementById("api-key").focus();
}

// ---- reading handles ----------------------------------------------------------------------------------------

// The name in a platform's spelling that holds a slash (ingest/platform_handles.py): `t.me/channel` and
// `reddit:u/name` name their platform, and the rules below apply to the name.
function platformName(handle) {
  const telegram = /^(?:https?:\/\/)?(?:t|telegram)\.me\/([^\/?#]*)\/?$/i.exec(handle);
  if (telegram) return telegram[1];
  const reddit = /^reddit:\/?u(?:ser)?\/(.*)$/i.exec(handle);
  return reddit ? reddit[1] : handle;
}

// Why `handle` (without its @) is not a handle, in the server's words, or null when it is one.
function handleProblem(raw) {
  const handle = platformName(raw);
  if (!handle) return "it is empty";
  const chars = [...handle]; // code points, as the server counts them
  if (chars.length > MAX_HANDLE_CHARS) return `it has ${chars.length} characters, more than ${MAX_HANDLE_CHARS}`;
  for (const char of chars) {
    if (/[\s\p{Z}]/u.test(char) && char !== "\uFEFF") return "it contains whitespace";
    if (/\p{C}/u.test(char)) {
      return `it contains the control or invisible character U+${char.codePointAt(0).toString(16).toUpperCase().padStart(4, "0")}`;
    }
  }
  if (/[\/\\]/.test(handle)) return "it contains a slash";
  if (/^\.+$/.test(handle)) return "it is only dots";
  return null;
}

// The handles box: one handle per line or comma-separated. Spaces inside an entry are part of it (an invalid
// handle is named, never split into two that were not asked for).
function parseHandles(text) {
  const valid = [];
  const invalid = [];
  const seen = new Set();
  for (const entry of text.split(/[,\r\n]+/)) {
    const raw = entry.trim();
    const handle = raw.replace(/^@/, "");
    if (!raw) continue;
    const problem = handle ? handleProblem(handle) : "it is empty";
    if (problem) invalid.push({ raw, problem });
    else if (!seen.has(handle.toLowerCase())) {
      seen.add(handle.toLowerCase());
      valid.push(handle);
    }
  }
  return { valid, invalid };
}

// ---- scoring ------------------------------------------------------------------------------------------------

// The spelling that names a scored account with its platform (`canonical` in ingest/platform_handles.py): an X
// `name` and a Reddit `name` are two accounts, `name` and `reddit:name`, each with its own row and history.
function spelled(score) {
  const guess = score.handle.includes("@") ? "mastodon" : score.handle.includes(".") ? "bluesky" : "x";
  const platform = score.platform || "x";
  return platform === guess ? score.handle : `${platform}:${score.handle}`;
}

function record(score) {
  rows.set(spelled(score).toLowerCase(), score);
  failures.delete(spelled(score).toLowerCase());
}

function recordFailure(handle, error) {
  const message = typeof error === "string" ? error : [error?.title, error?.detail].filter(Boolean).join(": ");
  failures.set(String(handle).toLowerCase(), { handle, message: message || "not scored" });
}

async function scoreNow(handles) {
  const body = await (await postJson("/v1/scores", { handles })).json();
  for (const entry of body.results) {
    if (entry.status === "scored" && entry.result) record(entry.result);
    else recordFailure(entry.handle, entry.error);
  }
}

async function runJob(request) {
  let job;
  try {
    job = await (await api("/v1/jobs", { method: "POST", ...request })).json();
  } catch (error) {
    if (error.missing) {
      throw new Error(`Batch jobs are not available on this server: send at most ${maxHandles} pasted handles.`);
    }
    throw error;
  }
  const box = document.getElementById("job");
  box.hidden = false;
  let wait = POLL_MS;
  while (job.state === "queued" || job.state === "running") {
    showProgress(job);
    await new Promise((resolve) => setTimeout(resolve, wait));
    try {
      job = await (await api(`/v1/jobs/${encodeURIComponent(job.id)}`)).json();
      wait = POLL_MS;
    } catch (error) {
      if (error.status !== 429) throw error;
      wait = error.retryAfterS * 1000; // the key's request budget ran out: ask again when it has refilled
    }
  }
  showProgress(job);
  const text = await (await api(`/v1/jobs/${encodeURIComponent(job.id)}/results?format=jsonl`)).text();
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    const item = JSON.parse(line); // a bare AccountScore, or an entry shaped like POST /v1/scores results
    if (item.error) recordFailure(item.handle, item.error);
    else record(item.result || item);
  }
  if (job.state === "cancelled") showMessage("The job was cancelled: the table shows the accounts it had scored.");
  if (job.state === "paused") {
    showMessage(`The job is paused (${job.paused_reason}): ${job.paused_detail || ""}. The table shows what it ` +
      `scored; resume it with POST /v1/jobs/${job.id}/resume.`);
  }
}

function showProgress(job) {
  const total = Math.max(job.total || 0, 1);
  const progress = document.getElementById("job-progress");
  progress.max = total;
  progress.value = (job.done || 0) + (job.failed || 0);
  const state = job.state === "paused" ? `paused: ${job.paused_reason}` : job.state;
  const spend = job.x_spend_usd ? `, X spend $${job.x_spend_usd.toFixed(2)}` : "";
  document.getElementById("job-status").textContent =
    `${state}: ${job.done || 0} of ${job.total || 0} scored, ${job.failed || 0} failed${spend}`;
}

async function onScore(event) {
  event.preventDefault();
  clearMessages();
  const file = document.getElementById("csv-file").files[0];
  const { valid, invalid } = parseHandles(document.getElementById("handles").value);
  if (invalid.length) {
    const named = invalid.map(({ raw, problem }) => `“${raw}” (${problem})`).join("; ");
    const rest = file ? "" : valid.length ? ` The other ${valid.length} are scored.` : "";
    showMessage(`${invalid.length === 1 ? "Not a handle" : `${invalid.length} entries are not handles`}, not sent: ${named}. ` +
      `Separate handles with commas or new lines.${rest}`);
  }
  if (!file && !valid.length) {
    if (!invalid.length) showMessage("Paste at least one handle, or choose a CSV file.");
    return;
  }
  const button = document.getElementById("score-button");
  button.disabled = true;
  document.getElementById("results-summary").textContent = "Scoring…";
  try {
    if (file) {
      if (valid.length) showMessage("The CSV file is scored; the pasted handles are not (clear the file to score them).", "note");
      const form = new FormData();
      form.append("file", file);
      await runJob({ body: form });
    } else if (valid.length <= maxHandles) {
      await scoreNow(valid);
    } else {
      await runJob({ headers: { "Content-Type": "application/json" }, body: JSON.stringify({ handles: valid }) });
    }
  } catch (error) {
    showMessage(error.message);
  } finally {
    button.disabled = false;
    page = 0; // the highest scores first
    render();
  }
}

// ---- the table ----------------------------------------------------------------------------------------------

function componentNames() {
  const names = new Set();
  for (const score of rows.values()) Object.keys(score.components || {}).forEach((n) => names.add(n));
  const known = COMPONENT_ORDER.filter((n) => names.has(n));
  return known.concat([...names].filter((n) => !known.includes(n)).sort());
}

function sortedScores() {
  return [...rows.values()].sort((a, b) => {
    const sa = a.score ?? -1;
    const sb = b.score ?? -1;
    return sb - sa || a.handle.localeCompare(b.handle);
  });
}

function render() {
  const table = document.getElementById("results");
  const components = componentNames();
  const headers = ["Handle", "Score", "Band", ...components.map((c) => c[0].toUpperCase() + c.slice(1)),
    "State-affiliated", "Posts", "Evidence"];
  table.tHead.rows[0].replaceChildren(...headers.map((h) => el("th", { scope: "col" }, h)));
  const body = table.tBodies[0];
  body.replaceChildren();
  const scores = sortedScores();
  const pages = Math.max(1, Math.ceil(scores.length / PAGE_SIZE));
  page = Math.min(Math.max(page, 0), pages - 1);
  for (const score of scores.slice(page * PAGE_SIZE, (page + 1) * PAGE_SIZE)) {
    const detailId = `evidence-${spelled(score)}`;
    const detail = el("tr", { class: "detail", id: detailId, hidden: true },
      el("td", { colspan: headers.length }));
    const toggle = el("button", { type: "button", "aria-expanded": "false", "aria-controls": detailId,
      onclick: () => toggleEvidence(score, toggle, detail) },
    el("span", {}, "Show"), el("span", { class: "visually-hidden" }, ` evidence of @${score.handle}`));
    body.append(
      el("tr", { "data-handle": spelled(score) },
        el("th", { scope: "row" }, (score.platform || "x") === "x" ? `@${score.handle}` : spelled(score)),
        el("td", { class: "num" }, fmt(score.score)),
        el("td", {}, el("span", { class: `band band-${score.band}` }, bandLabel(score.band)),
          score.provisional ? el("span", { class: "hint band-note" }, "provisional score") : null),
        components.map((c) => el("td", { class: "num" }, fmt(score.components?.[c]))),
        el("td", {}, score.state_affiliated ? "yes (declared)" : "no"),
        el("td", { class: "num" }, score.n_posts ?? "–"),
        el("td", {}, toggle)),
      detail);
  }
  table.hidden = rows.size === 0;
  showPager(scores.length, pages);
  document.getElementById("export-csv").disabled = rows.size === 0;
  document.getElementById("clear-results").disabled = rows.size === 0 && failures.size === 0;
  document.getElementById("results-summary").textContent = rows.size
    ? `${rows.size} account${rows.size === 1 ? "" : "s"} scored${failures.size ? `, ${failures.size} not scored` : ""}.`
    : failures.size ? `${failures.size} not scored.` : "No account scored yet.";
  const list = document.getElementById("failures");
  list.replaceChildren(...[...failures.values()].map((f) => el("li", {}, `@${f.handle}: ${f.message}`)));
  document.getElementById("failures-title").hidden = failures.size === 0;
}

function showPager(total, pages) {
  document.getElementById("pager").hidden = total <= PAGE_SIZE;
  document.getElementById("page-status").textContent =
    `Accounts ${page * PAGE_SIZE + 1}–${Math.min(total, (page + 1) * PAGE_SIZE)} of ${total} (page ${page + 1} of ${pages})`;
  document.getElementById("previous-page").disabled = page === 0;
  document.getElementById("next-page").disabled = page >= pages - 1;
}

function turnPage(step) {
  page += step;
  render();
  document.getElementById("results").scrollIntoView({ block: "start" });
}

// ---- evidence -----------------------------------------------------------------------------------------------

function toggleEvidence(score, button, detail) {
  const open = detail.hidden;
  detail.hidden = !open;
  button.setAttribute("aria-expanded", String(open));
  button.firstChild.textContent = open ? "Hide" : "Show";
  if (open && !detail.dataset.built) {
    detail.dataset.built = "yes";
    detail.cells[0].replaceChildren(evidenceView(score));
  }
}

function evidenceView(score) {
  const ev = score.evidence || {};
  const box = el("div", { class: "evidence" });
  if (score.state_affiliated && score.state_affiliation) {
    const entry = score.state_affiliation;
    box.append(el("p", { class: "note" }, "Declared state account: ",
      [entry.name, entry.country, entry.kind].filter(Boolean).join(", ") || "on the declared list",
      ". Declared accounts are not inauthentic; the score is shown apart from that."));
  }
  const span = ev.first_post_at ? ` from ${ev.first_post_at.slice(0, 10)} to ${(ev.last_post_at || "").slice(0, 10)}` : "";
  box.append(el("p", {}, `Rests on ${score.n_posts} posts${span}. Model ${score.model_version}.`));

  box.append(el("h4", {}, `Posts matching a talking point (${ev.n_matched_posts ?? 0})`));
  if (ev.matched_posts?.length) {
    box.append(el("ul", { class: "posts" }, ev.matched_posts.map((m) =>
      el("li", {},
        el("p", { class: "post-meta" },
          el("strong", {}, m.talking_point), ` · ${m.attribution} · similarity ${fmt(m.similarity)} · `,
          el("time", { datetime: m.created_at }, m.created_at.slice(0, 16).replace("T", " "))),
        el("blockquote", {}, m.text)))));
    box.append(el("p", { class: "hint" },
      "Only asserted posts and retweets count toward the narrative component; reported (quoted) and countered ones do not."));
  } else box.append(el("p", {}, "None."));

  box.append(el("h4", {}, `Coordinated posts (${ev.n_coordinated_posts ?? 0})`));
  if (ev.coordinated_posts?.length) {
    // The post cells show ids until coordination.js has the posts' texts (data-post names the post).
    box.append(el("table", { class: "coordinated" },
      el("caption", {}, `Posts by other accounts that say the same, close in time; peers: ${(ev.peer_accounts || []).map((p) => `@${p}`).join(", ")}`),
      el("thead", {}, el("tr", {}, ["Post", "Peer", "Peer's post", "Kind", "Time apart", "Similarity", "p-value"].map((h) => el("th", { scope: "col" }, h)))),
      el("tbody", {}, ev.coordinated_posts.map((c) => el("tr", {},
        el("td", { "data-post": c.post_id }, c.post_id), el("td", {}, `@${c.peer_handle}`),
        el("td", { "data-post": c.peer_post_id }, c.peer_post_id), el("td", {}, (c.kind || "near_duplicate").replaceAll("_", " ")),
        el("td", { class: "num" }, formatGap(c.gap_s)), el("td", { class: "num" }, fmt(c.similarity)),
        el("td", { class: "num" }, c.p_value == null ? "not tested" : fmt(c.p_value, 3)))))));
  } else box.append(el("p", {}, "None found."));
  if (score.n_posts && typeof coordinationView === "function") box.append(coordinationView(score));

  box.append(el("h4", {}, "Features that moved the score most"));
  if (ev.top_features?.length) {
    box.append(el("table", {},
      el("thead", {}, el("tr", {}, ["Feature", "Value", "Push (log-odds)"].map((h) => el("th", { scope: "col" }, h)))),
      el("tbody", {}, ev.top_features.map((f) => el("tr", {},
        el("td", {}, f.feature), el("td", { class: "num" }, fmt(f.value, 3)),
        el("td", { class: `num ${f.contribution >= 0 ? "up" : "down"}` },
          `${f.contribution >= 0 ? "+" : "−"}${fmt(Math.abs(f.contribution), 3)} ${f.contribution >= 0 ? "toward" : "away from"} amplifier`))))));
  } else box.append(el("p", {}, score.score == null ? "None: the account had no posts, so it has no score." : "None."));

  const history = el("div", { class: "history" }, el("h4", {}, "Score history"), el("p", {}, "Loading…"));
  box.append(history);
  loadHistory(spelled(score), history);
  box.append(feedbackView(spelled(score)));
  return box;
}

async function loadHistory(handle, box) {
  const status = box.querySelector("p");
  if (unavailable.has("history")) {
    box.remove();
    return;
  }
  try {
    const body = await (await api(`/v1/accounts/${encodeURIComponent(handle)}/history`)).json();
    if (body.account_status) { // a tombstone: the platform no longer lets the account be read
      box.querySelector("h4").after(el("p", { class: "note tombstone" },
        `${body.account_status[0].toUpperCase()}${body.account_status.slice(1)} by its platform since `,
        el("time", { datetime: body.account_status_since || "" }, (body.account_status_since || "?").slice(0, 10)),
        ": its stored posts and scores are kept."));
    }
    const stored = body.scores || [];
    const points = stored.filter((s) => s.score != null && s.scored_at)
      .sort((a, b) => Date.parse(a.scored_at) - Date.parse(b.scored_at));
    const unscored = stored.length - points.length;
    const without = `${unscored} stored result${unscored === 1 ? "" : "s"} without a score (no posts then)`;
    if (!points.length) status.textContent = `${without[0].toUpperCase()}${without.slice(1)}: nothing to draw.`;
    else {
      status.replaceWith(historyChart(handle, points),
        el("p", { class: "hint" }, "Dashed lines: where the high and elevated bands of the current model begin.",
          unscored ? ` Not drawn: ${without}.` : ""));
    }
  } catch (error) {
    if (error.status === 404 && !error.missing) status.textContent = "No stored score yet.";
    else if (error.missing) {
      unavailable.add("history");
      status.textContent = "Score history is not available on this server.";
    } else status.textContent = error.message;
  }
}

// A line of the account's scores over time, with the band thresholds as dashed lines.
function historyChart(handle, points) {
  const width = 360, height = 140, pad = { left: 34, right: 10, top: 10, bottom: 22 };
  const times = points.map((p) => Date.parse(p.scored_at));
  const t0 = Math.min(...times), t1 = Math.max(...times);
  const x = (t) => pad.left + (t1 === t0 ? 0.5 : (t - t0) / (t1 - t0)) * (width - pad.left - pad.right);
  const y = (s) => pad.top + (1 - s) * (height - pad.top - pad.bottom);
  const last = points[points.length - 1];
  const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, width, height, role: "img", class: "chart",
    "aria-label": `Score history of @${handle}: ${points.length} score${points.length === 1 ? "" : "s"}, latest ${fmt(last.score)} (${last.band}).` });
  for (const tick of [0, 0.5, 1]) {
    chart.append(svg("line", { x1: pad.left, x2: width - pad.right, y1: y(tick), y2: y(tick), class: "grid" }));
    chart.append(svg("text", { x: pad.left - 4, y: y(tick) + 4, "text-anchor": "end" }, tick.toFixed(1)));
  }
  for (const [band, value] of Object.entries(thresholds)) {
    if (!Number.isFinite(value)) continue;
    chart.append(svg("line", { x1: pad.left, x2: width - pad.right, y1: y(value), y2: y(value), class: `threshold band-line-${band}` }));
  }
  chart.append(svg("polyline", { points: points.map((p, i) => `${x(times[i])},${y(p.score)}`).join(" "), class: "trend" }));
  points.forEach((p, i) => {
    const dot = svg("circle", { cx: x(times[i]), cy: y(p.score), r: 3.5, class: `dot band-${p.band}` });
    dot.append(svg("title", {}, `${p.scored_at.slice(0, 16).replace("T", " ")}: ${fmt(p.score)} (${p.band}), model ${p.model_version}`));
    chart.append(dot);
  });
  chart.append(svg("text", { x: pad.left, y: height - 6 }, new Date(t0).toISOString().slice(0, 10)));
  chart.append(svg("text", { x: width - pad.right, y: height - 6, "text-anchor": "end" }, new Date(t1).toISOString().slice(0, 10)));
  return chart;
}

function feedbackView(handle) {
  const noteId = `note-${handle}`;
  const status = el("p", { role: "status" });
  const box = el("form", { class: "feedback" },
    el("h4", {}, "Your verdict"),
    el("label", { for: noteId }, "Note (optional)"),
    el("input", { id: noteId, type: "text", maxlength: "500" }),
    el("button", { type: "button", onclick: () => sendFeedback(handle, "confirm", box, status) }, "Confirm score"),
    el("button", { type: "button", onclick: () => sendFeedback(handle, "dispute", box, status) }, "Dispute score"),
    status);
  if (unavailable.has("feedback")) box.hidden = true;
  return box;
}

async function sendFeedback(handle, verdict, box, status) {
  const note = box.querySelector("input").value.trim();
  try {
    await postJson(`/v1/accounts/${encodeURIComponent(handle)}/feedback`, { verdict, note: note || null });
    status.textContent = verdict === "confirm" ? "Recorded: you confirmed this score." : "Recorded: you disputed this score.";
  } catch (error) {
    if (error.missing) {
      unavailable.add("feedback");
      status.textContent = "Feedback is not available on this server.";
      box.querySelectorAll("button, input").forEach((node) => { node.disabled = true; });
    } else status.textContent = error.message;
  }
}

// ---- CSV export ---------------------------------------------------------------------------------------------

// A cell a spreadsheet would read as a formula gets a leading apostrophe.
function csvCell(value) {
  let text = value === null || value === undefined ? "" : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function exportCsv() {
  const components = componentNames();
  const header = ["handle", "score", "band", ...components, "state_affiliated", "model_version"];
  const lines = [header, ...sortedScores().map((s) => [spelled(s), s.score, s.band,
    ...components.map((c) => s.components?.[c]), s.state_affiliated, s.model_version])];
  const blob = new Blob([lines.map((line) => line.map(csvCell).join(",")).join("\r\n") + "\r\n"], { type: "text/csv" });
  const link = el("a", { href: URL.createObjectURL(blob), download: `parrotwatch-scores-${new Date().toISOString().slice(0, 19).replaceAll(":", "")}.csv` });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10000);
}

// ---- proposed talking points --------------------------------------------------------------------------------

// The stored open candidates (discovery runs from the API or `parrotwatch catalog discover`), by spread.
async function showCandidates() {
  const status = document.getElementById("candidates-status");
  const table = document.getElementById("candidates");
  try {
    const body = await (await api("/v1/talking-points/candidates?refresh=false")).json();
    table.tBodies[0].replaceChildren(
      ...body.candidates.map((c) =>
        el("tr", { "data-candidate": c.id },
          el("td", {}, c.spread),
          el("td", {}, c.first_seen_at.slice(0, 10)),
          el("td", {}, c.languages.join(", ")),
          el("td", {}, c.state_accounts.join(", ")),
          el("td", {}, ...Object.entries(c.phrasings).map(([lang, text]) => el("p", { lang }, text)))),
      ),
    );
    table.hidden = body.candidates.length === 0;
    status.textContent = body.candidates.length
      ? `${body.candidates.length} proposed, against catalog ${body.catalog_version}.`
      : "No proposed talking point.";
  } catch (error) {
    status.textContent = error.missing ? "This server does not propose talking points." : error.message;
  }
}

// ---- start --------------------------------------------------------------------------------------------------

document.getElementById("key-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const input = document.getElementById("api-key");
  const key = input.value.trim();
  input.value = "";
  if (key) setKey(key);
});
document.getElementById("forget-key").addEventListener("click", () => setKey(null));
document.getElementById("score-form").addEventListener("submit", onScore);
document.getElementById("export-csv").addEventListener("click", exportCsv);
document.getElementById("show-candidates").addEventListener("click", showCandidates);
document.getElementById("previous-page").addEventListener("click", () => turnPage(-1));
document.getElementById("next-page").addEventListener("click", () => turnPage(1));
document.getElementById("clear-results").addEventListener("click", () => {
  rows.clear();
  failures.clear();
  render();
});
setKey(sessionStorage.getItem(KEY_STORAGE));
