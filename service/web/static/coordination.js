// The coordination picture in an account's evidence: the network of accounts that post in step with it (drawn by
// Cytoscape.js, vendored under static/vendor), a timeline of its posts, and the texts of its coordinated posts.
// Uses page.js's helpers (el, svg, api, fmt, bandLabel). Account text only reaches the page through
// textContent or the network's canvas, never as HTML.
"use strict";

// One colour per link kind (detector/coordination.py LINK_KINDS) and per band, as in coordination.css.
const KIND_COLOURS = {
  near_duplicate: "#0969da", paraphrase: "#8250df", translation: "#bf3989",
  co_repost: "#1b7c83", shared_link: "#953800", hashtag_sequence: "#6e7781",
};
const BAND_COLOURS = { high: "#b42318", elevated: "#9a5b00", low: "#1a7f37", insufficient_data: "#57606a" };
const UNSCORED_COLOUR = "#d0d7de";
const kindLabel = (kind) => String(kind).replaceAll("_", " ");
const shortTime = (iso) => (iso ? iso.slice(0, 16).replace("T", " ") : "time unknown");

function coordinationView(score) {
  const box = el("div", { class: "coordination" },
    el("h4", {}, `Network around @${score.handle}`),
    el("p", { class: "network-status", role: "status" }, "Loading…"),
    el("h4", {}, "Timeline of posts"),
    el("p", { class: "timeline-status", role: "status" }, "Loading…"));
  loadCoordination(score, box);
  return box;
}

async function fetchJson(path) {
  return (await api(path)).json();
}

async function loadCoordination(score, box) {
  const handle = encodeURIComponent(score.handle);
  const [graph, posts] = await Promise.allSettled([
    fetchJson(`/v1/coordination/graph?handle=${handle}&depth=1&format=json`),
    fetchJson(`/v1/accounts/${handle}/posts`),
  ]);
  const texts = new Map();
  if (posts.status === "fulfilled") posts.value.posts.forEach((p) => texts.set(p.id, p.text));
  if (graph.status === "fulfilled") {
    for (const edge of graph.value.edges) {
      for (const p of edge.posts) {
        if (p.source_text != null) texts.set(p.source_post_id, p.source_text);
        if (p.target_text != null) texts.set(p.target_post_id, p.target_text);
      }
    }
  }
  showPostTexts(box.closest(".evidence") || box, texts);
  const networkStatus = box.querySelector(".network-status");
  if (graph.status === "fulfilled") networkStatus.replaceWith(...networkView(score.handle, graph.value));
  else networkStatus.textContent = unavailableText("The network", graph.reason);
  const timelineStatus = box.querySelector(".timeline-status");
  if (posts.status === "fulfilled") {
    const coordinated = new Set((score.evidence?.coordinated_posts || []).map((c) => c.post_id));
    if (graph.status === "fulfilled") {
      graph.value.edges.filter((e) => e.source === graph.value.centre)
        .forEach((e) => e.posts.forEach((p) => coordinated.add(p.source_post_id)));
    }
    const matched = new Set((score.evidence?.matched_posts || []).map((m) => m.post_id));
    timelineStatus.replaceWith(...timelineView(score.handle, posts.value, matched, coordinated));
  } else timelineStatus.textContent = unavailableText("The timeline", posts.reason);
}

function unavailableText(what, error) {
  if (error?.missing) return `${what} is not available on this server.`;
  return error?.message || `${what} could not be loaded.`;
}

// The evidence table's post cells (data-post = a post id) show the post's text once it is known; the id stays as a
// tooltip, and a post the store no longer holds keeps showing its id.
function showPostTexts(scope, texts) {
  scope.querySelectorAll("td[data-post]").forEach((cell) => {
    const text = texts.get(cell.dataset.post);
    if (text != null) cell.replaceChildren(el("blockquote", { title: `post ${cell.dataset.post}` }, text));
  });
}

// ---- the network --------------------------------------------------------------------------------------------

function networkView(handle, graph) {
  const peers = graph.nodes.length - 1;
  const summary = `${peers} account${peers === 1 ? "" : "s"} linked, ${graph.edges.length} link${graph.edges.length === 1 ? "" : "s"}`;
  if (!graph.edges.length) return [el("p", {}, `No account posted in step with @${handle} in the coordination index.`)];
  const container = el("div", { class: "network", role: "img",
    "aria-label": `Network around @${handle}: ${summary}. Node size: score; colour: band; line colour: kind of link.` });
  const legend = el("ul", { class: "legend", "aria-label": "Legend" },
    ["high", "elevated", "low", "insufficient_data"].map((band) =>
      el("li", {}, el("span", { class: `swatch band-${band}` }), bandLabel(band))),
    el("li", {}, el("span", { class: "swatch band-unscored" }), "not scored"),
    [...new Set(graph.edges.flatMap((e) => e.kinds))].map((kind) =>
      el("li", {}, el("span", { class: `swatch line kind-${kind}` }), `${kindLabel(kind)} link`)));
  const note = el("p", { class: "hint" }, `${summary}. Larger nodes score higher; thicker lines link more posts.`,
    graph.truncated ? " Only the most linked accounts are drawn." : "");
  // Drawn once the container is in the page and has its size.
  requestAnimationFrame(() => drawNetwork(container, graph));
  return [container, legend, note];
}

function drawNetwork(container, graph) {
  if (typeof cytoscape !== "function") {
    container.replaceWith(el("p", {}, "The network library did not load."));
    return;
  }
  const nodes = graph.nodes.map((n) => ({
    data: {
      id: n.handle,
      label: `@${n.handle}${n.score == null ? "" : ` ${fmt(n.score)}`}`,
      size: 16 + 34 * (n.score ?? 0),
      colour: BAND_COLOURS[n.band] || UNSCORED_COLOUR,
      ring: n.handle === graph.centre ? 2 : 1,
      border: n.handle === graph.centre ? 4 : 0,
    },
  }));
  const edges = graph.edges.map((e, i) => ({
    data: { id: `link-${i}`, source: e.source, target: e.target,
      colour: KIND_COLOURS[e.kind] || "#999999", width: 1 + Math.min(7, Math.log2(e.weight + 1)) },
  }));
  const cy = cytoscape({
    container,
    elements: [...nodes, ...edges],
    layout: { name: "concentric", concentric: (node) => node.data("ring"), levelWidth: () => 1, animate: false,
      minNodeSpacing: 24 },
    style: [
      { selector: "node", style: { "background-color": "data(colour)", width: "data(size)", height: "data(size)",
        label: "data(label)", "font-size": 9, color: "#1b1f24", "text-valign": "bottom", "text-margin-y": 3,
        "text-background-color": "#ffffff", "text-background-opacity": 0.85, "text-background-padding": 1,
        "border-width": "data(border)", "border-color": "#1b1f24" } },
      { selector: "edge", style: { "line-color": "data(colour)", width: "data(width)", "curve-style": "bezier",
        opacity: 0.8 } },
    ],
    minZoom: 0.3,
    maxZoom: 3,
  });
  cy.ready(() => { container.dataset.rendered = String(cy.nodes().length); });
}

// ---- the timeline -------------------------------------------------------------------------------------------

function timelineView(handle, body, matched, coordinated) {
  const posts = body.posts.filter((p) => p.created_at);
  if (!posts.length) return [el("p", {}, "No stored post to draw.")];
  const nMatched = posts.filter((p) => matched.has(p.id)).length;
  const nCoordinated = posts.filter((p) => coordinated.has(p.id)).length;
  const shown = body.n_posts > posts.length ? ` (the newest ${posts.length} of ${body.n_posts})` : "";
  return [
    timelineChart(handle, posts, matched, coordinated, nMatched, nCoordinated),
    el("p", { class: "hint" }, `${posts.length} posts${shown}: grey, every post; orange, matching a talking point ` +
      `(${nMatched} of those in the evidence); red, posted in step with another account (${nCoordinated}).`),
  ];
}

function timelineChart(handle, posts, matched, coordinated, nMatched, nCoordinated) {
  const width = 640, height = 96, pad = { left: 86, right: 12 };
  const lanes = [["every post", 22, () => true, "post"], ["talking point", 46, (p) => matched.has(p.id), "matched"],
    ["coordinated", 70, (p) => coordinated.has(p.id), "coordinated"]];
  const times = posts.map((p) => Date.parse(p.created_at));
  const t0 = Math.min(...times), t1 = Math.max(...times);
  const x = (t) => pad.left + (t1 === t0 ? 0.5 : (t - t0) / (t1 - t0)) * (width - pad.left - pad.right);
  const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, width, height, role: "img", class: "timeline",
    "aria-label": `Timeline of @${handle}: ${posts.length} posts from ${shortTime(posts[0].created_at)} to ` +
      `${shortTime(posts[posts.length - 1].created_at)}; ${nMatched} matching a talking point, ${nCoordinated} coordinated.` });
  for (const [name, y, keep, kind] of lanes) {
    chart.append(svg("line", { x1: pad.left, x2: width - pad.right, y1: y, y2: y, class: "axis" }));
    chart.append(svg("text", { x: pad.left - 6, y: y + 3, "text-anchor": "end" }, name));
    posts.forEach((p, i) => {
      if (!keep(p)) return;
      const mark = svg("circle", { cx: x(times[i]), cy: y, r: kind === "post" ? 2.5 : 4, class: kind });
      mark.append(svg("title", {}, `${shortTime(p.created_at)}: ${p.text.slice(0, 140)}`));
      chart.append(mark);
    });
  }
  chart.append(svg("text", { x: pad.left, y: height - 6 }, shortTime(posts[0].created_at).slice(0, 10)));
  chart.append(svg("text", { x: width - pad.right, y: height - 6, "text-anchor": "end" },
    shortTime(posts[posts.length - 1].created_at).slice(0, 10)));
  return chart;
}
