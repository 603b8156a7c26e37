// Cairn's dashboard. Everything it shows comes from /api/v1 with the token the user gives it,
// sent as a bearer header (no cookie: another site cannot make the browser act on the API).
// Every text from the server goes into the page as a text node or an attribute value, never
// as markup: nothing here parses HTML.

const TOKEN_KEY = "cairn.token";
const main = document.getElementById("main");
const who = document.getElementById("who");
let view = new AbortController();
let me = null;
let loaded = false;

// ------------------------------------------------------------------ building the page

function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "on") {
      for (const [ev, fn] of Object.entries(v)) el.addEventListener(ev, fn);
    } else if (k === "href") {
      el.setAttribute("href", safeHref(String(v)));
    } else {
      el.setAttribute(k, v === true ? "" : String(v));
    }
  }
  append(el, children);
  return el;
}

function fill(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

// Links are to the dashboard's own routes or the server's own paths, never elsewhere.
function safeHref(v) {
  return v.startsWith("#/") || (v.startsWith("/") && !v.startsWith("//")) ? v : "#/";
}

function link(route, ...children) {
  return h("a", { href: "#/" + route.map(encodeURIComponent).join("/") }, ...children);
}

function svg(tag, attrs, ...children) {
  const el = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, String(v));
  return append(el, children);
}

function page(title, sub, ...body) {
  main.replaceChildren();
  append(main, [h("h1", {}, title), sub ? h("p", { class: "sub" }, sub) : null, body]);
  document.title = title + " · Cairn";
}

function table(headers, rows, empty) {
  if (rows.length === 0) return h("div", { class: "empty" }, empty);
  return h(
    "table",
    {},
    h("thead", {}, h("tr", {}, headers.map((x) => h("th", typeof x === "string" ? {} : x[1], typeof x === "string" ? x : x[0])))),
    h("tbody", {}, rows),
  );
}

function badge(text, tone) {
  return h("span", { class: "badge b-" + tone }, text);
}

const STATE_TONE = {
  queued: "idle", running: "run", succeeded: "ok", failed: "bad", cancelled: "idle",
  interrupted: "warn", skipped: "idle", pending: "idle",
  valid: "ok", expiring: "warn", expired: "bad", revoked: "bad",
  deployed: "ok", "rolled-back": "warn", applying: "run",
};

function stateBadge(s) {
  return badge(s, STATE_TONE[s] || "idle");
}

function errorBox(e) {
  return h(
    "div",
    { class: "error", role: "alert" },
    e.message || String(e),
    e.hint ? h("span", { class: "hint" }, "Hint: " + e.hint) : null,
  );
}

// ------------------------------------------------------------------ time

function when(iso) {
  if (!iso) return h("span", { class: "muted" }, "—");
  const t = new Date(iso);
  return h("time", { datetime: iso, title: iso }, ago(t));
}

function ago(t) {
  const s = Math.round((Date.now() - t.getTime()) / 1000);
  const future = s < 0;
  const a = Math.abs(s);
  let text;
  if (a < 60) text = a + " s";
  else if (a < 3600) text = Math.round(a / 60) + " min";
  else if (a < 86400 * 2) text = Math.round(a / 3600) + " h";
  else text = Math.round(a / 86400) + " days";
  return future ? "in " + text : text + " ago";
}

function duration(from, to) {
  if (!from) return "";
  const ms = (to ? new Date(to) : new Date()) - new Date(from);
  if (ms < 0) return "";
  if (ms < 1000) return ms + " ms";
  const s = ms / 1000;
  if (s < 60) return s.toFixed(1) + " s";
  return Math.floor(s / 60) + " min " + Math.round(s % 60) + " s";
}

function short(digest) {
  const d = String(digest || "");
  const hex = d.startsWith("sha256:") ? d.slice(7) : d;
  return hex.slice(0, 12);
}

// ------------------------------------------------------------------ the API

class ApiError extends Error {
  constructor(status, message, hint) {
    super(message);
    this.status = status;
    this.hint = hint;
  }
}

function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

async function api(path, opts = {}) {
  const headers = { Accept: "application/json" };
  if (token()) headers.Authorization = "Bearer " + token();
  if (opts.body !== undefined) headers["Content-Type"] = "application/json";
  let r;
  try {
    r = await fetch(path, {
      method: opts.method || "GET",
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      signal: opts.signal || view.signal,
      credentials: "omit",
    });
  } catch (e) {
    if (e.name === "AbortError") throw e;
    throw new ApiError(0, "The server cannot be reached.", "check that cairn serve is running, then reload");
  }
  let body = null;
  const text = await r.text();
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = null;
    }
  }
  if (!r.ok) {
    if (r.status === 401 && !opts.quiet401) {
      sessionStorage.removeItem(TOKEN_KEY);
      me = null;
      location.hash = "#/login";
    }
    throw new ApiError(r.status, body && body.message ? body.message : "HTTP " + r.status, body && body.hint);
  }
  return body;
}

// Server-sent events over fetch (EventSource cannot send the bearer header).
async function stream(path, onEvent, signal) {
  const r = await fetch(path, {
    headers: { Accept: "text/event-stream", Authorization: "Bearer " + token() },
    signal,
    credentials: "omit",
  });
  if (!r.ok) throw new ApiError(r.status, "the event stream was refused (HTTP " + r.status + ")");
  const reader = r.body.getReader();
  const decoder = new TextDecoder();
  let buf = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buf += decoder.decode(value, { stream: true });
    let cut;
    while ((cut = buf.indexOf("\n\n")) >= 0) {
      const block = buf.slice(0, cut);
      buf = buf.slice(cut + 2);
      let event = "message";
      const data = [];
      for (const line of block.split("\n")) {
        if (line.startsWith("event: ")) event = line.slice(7);
        else if (line.startsWith("data: ")) data.push(line.slice(6));
      }
      if (data.length) onEvent(event, JSON.parse(data.join("\n")));
    }
  }
}

function holds(duty) {
  return me && (me.duties.includes(duty) || duty === "Viewer");
}

// ------------------------------------------------------------------ sign-in

function loginPage(problem) {
  who.replaceChildren();
  const input = h("input", {
    id: "token", type: "password", autocomplete: "off", spellcheck: "false",
    "aria-describedby": "token-help", placeholder: "cairn_…",
  });
  const err = h("div", { "aria-live": "assertive" }, problem ? errorBox(problem) : null);
  const form = h(
    "form",
    {
      class: "panel login",
      on: {
        submit: async (ev) => {
          ev.preventDefault();
          const t = input.value.trim();
          if (!t) return;
          sessionStorage.setItem(TOKEN_KEY, t);
          try {
            me = await api("/api/v1/me", { quiet401: true });
            showWho();
            location.hash = "#/";
            route();
          } catch (e) {
            sessionStorage.removeItem(TOKEN_KEY);
            fill(err, errorBox(e.status === 401 ? new ApiError(401, "That token is not valid (unknown, revoked or mistyped).", "ask a holder of the Sec duty for a token (the Tokens page, or cairn serve --init-token NAME --duty Viewer)") : e));
            input.focus();
          }
        },
      },
    },
    h("h1", {}, "Sign in to Cairn"),
    h("p", { class: "sub", id: "token-help" }, "Paste your API token. It stays in this browser tab only, and is sent to this server alone."),
    h("label", { for: "token" }, "API token"),
    input,
    err,
    h("p", {}, h("button", { class: "primary", type: "submit" }, "Sign in")),
  );
  fill(main, form);
  document.title = "Sign in · Cairn";
  input.focus();
}

function showWho() {
  if (!me) return who.replaceChildren();
  fill(who, 
    h("span", { id: "who-name" }, me.name),
    h("span", { class: "muted" }, me.duties.join(" · ")),
    h("button", {
      type: "button",
      on: {
        click: () => {
          sessionStorage.removeItem(TOKEN_KEY);
          me = null;
          location.hash = "#/login";
        },
      },
    }, "Sign out"),
  );
}

// ------------------------------------------------------------------ overview

async function overview() {
  const [runs, clusters, targets] = await Promise.all([
    api("/api/v1/runs?limit=50"),
    api("/api/v1/clusters"),
    api("/api/v1/targets"),
  ]);
  const count = (xs, f) => xs.filter(f).length;
  const certs = clusters.clusters.map((c) => c.latest).filter(Boolean);
  const attention = clusters.clusters.filter((c) => c.latest && c.latest.standing !== "valid");
  page(
    "Overview",
    "Pipeline runs, certified clusters and deployments on this server.",
    h(
      "div",
      { class: "cards" },
      card(runs.total, "pipeline runs", "runs", count(runs.runs, (r) => r.state === "failed") + " failed of the last " + runs.runs.length),
      card(count(runs.runs, (r) => r.state === "running" || r.state === "queued"), "running or queued", "runs"),
      card(clusters.clusters.length, "certified clusters", "clusters", count(certs, (c) => c.standing === "valid") + " valid · " + count(certs, (c) => c.standing === "expiring") + " expiring · " + count(certs, (c) => c.standing === "expired") + " expired"),
      card(targets.targets.length, "deploy targets", "deployments", count(targets.targets, (t) => t.latest && t.latest.outcome !== "deployed") + " with a refused or rolled-back latest revision"),
    ),
    attention.length ? h("h2", {}, "Certificates that need attention") : null,
    attention.length ? clusterTable(attention) : null,
    h("h2", {}, "Recent runs"),
    runTable(runs.runs.slice(0, 8)),
  );
}

function card(n, label, route, detail) {
  return h("div", { class: "card" }, link([route], h("div", { class: "n" }, String(n)), h("div", { class: "l" }, label)), detail ? h("div", { class: "muted", style: null }, detail) : null);
}

// ------------------------------------------------------------------ runs

async function runsPage() {
  const params = new URLSearchParams(location.hash.split("?")[1] || "");
  const state = params.get("state") || "";
  const list = await api("/api/v1/runs?limit=200" + (state ? "&state=" + encodeURIComponent(state) : ""));
  const select = h(
    "select",
    { id: "state-filter", "aria-label": "Show runs in state", on: { change: (e) => (location.hash = "#/runs" + (e.target.value ? "?state=" + e.target.value : "")) } },
    ["", "queued", "running", "succeeded", "failed", "cancelled", "interrupted"].map((s) => h("option", { value: s, selected: s === state }, s || "all states")),
  );
  page(
    "Pipeline runs",
    list.total + " runs" + (state ? " " + state : "") + ", newest first.",
    h("div", { class: "toolbar" }, h("label", { for: "state-filter" }, "State"), select),
    runTable(list.runs),
  );
}

function runTable(runs) {
  return table(
    ["Run", "Repository", "Ref", "Commit", "State", "Started", ["Duration", { class: "num" }]],
    runs.map((r) =>
      h(
        "tr",
        { "data-run": r.id },
        h("td", {}, link(["runs", r.id], h("span", { class: "mono" }, r.id))),
        h("td", { class: "wrap" }, r.repository),
        h("td", { class: "mono" }, r.ref),
        h("td", { class: "mono" }, String(r.commit).slice(0, 10)),
        h("td", {}, stateBadge(r.state)),
        h("td", {}, when(r.started || r.created)),
        h("td", { class: "num" }, duration(r.started, r.finished)),
      ),
    ),
    "No pipeline runs yet. A signed push to /hooks/github (or gitlab, gitea) starts one.",
  );
}

async function runPage(id) {
  const run = await api("/api/v1/runs/" + encodeURIComponent(id));
  const logs = new Map();
  let selected = null;
  let finished = run.state !== "running" && run.state !== "queued";
  const header = h("div");
  const failure = h("div");
  const stepList = h("ul", { class: "steplist", "aria-label": "Steps" });
  const logTitle = h("h2", { id: "log-title", style: null });
  const liveMark = h("span", { class: "live", hidden: true }, "live");
  const log = h("pre", { class: "log", id: "log", tabindex: "0", "aria-labelledby": "log-title", "aria-live": "off" });

  function firstFailing(r) {
    return r.failure ? r.failure.step : (r.steps.find((s) => s.state === "failed") || {}).name;
  }

  function pick(r) {
    return firstFailing(r) || (r.steps.find((s) => s.state === "running") || {}).name || (r.steps[r.steps.length - 1] || {}).name;
  }

  function showLog() {
    logTitle.textContent = selected ? "Log of " + selected : "Log";
    log.textContent = logs.get(selected) || (finished ? "(no output)" : "");
    log.scrollTop = log.scrollHeight;
  }

  function render(r) {
    const cancel = !finished && (holds("Dev") || holds("Ops"))
      ? h("button", {
          class: "danger", type: "button", id: "cancel",
          on: {
            click: async (e) => {
              e.target.disabled = true;
              try {
                await api("/api/v1/runs/" + encodeURIComponent(r.id) + "/cancel", { method: "POST", quiet401: false });
              } catch (err) {
                header.append(errorBox(err));
              }
            },
          },
        }, "Cancel run")
      : null;
    fill(header, 
      h("div", { class: "crumbs" }, link(["runs"], "Runs"), " / ", r.id),
      h("h1", {}, "Run ", h("span", { class: "mono" }, r.id), " ", stateBadge(r.state)),
      h("p", { class: "sub" },
        r.pipeline, " · ", r.repository,
        r.ref ? [" · ", h("span", { class: "mono" }, r.ref)] : null,
        r.commit ? [" @ ", h("span", { class: "mono" }, String(r.commit).slice(0, 12))] : null,
        " · by ", r.trigger.pusher || r.trigger.source, " · ", r.message,
        r.started ? " · " + duration(r.started, r.finished) : ""),
      cancel,
    );
    if (r.failure) {
      fill(failure, 
        h("section", { class: "panel failure", id: "failure", "aria-labelledby": "failure-title" },
          h("h2", { id: "failure-title" }, "Failed at step “" + r.failure.step + "”"),
          h("div", {}, r.failure.message, r.failure.exitCode !== null && r.failure.exitCode !== undefined ? " (exit code " + r.failure.exitCode + ")" : ""),
          r.failure.lastLines.length ? h("pre", { class: "log" }, r.failure.lastLines.join("\n")) : null,
        ),
      );
    } else {
      failure.replaceChildren();
    }
    const failing = firstFailing(r);
    if (!selected) selected = pick(r);
    fill(stepList, 
      ...r.steps.map((s) =>
        h("li", { class: s.name === failing ? "first-failure" : null },
          h("button", {
            type: "button", "aria-pressed": String(s.name === selected), "data-step": s.name,
            on: { click: () => { selected = s.name; render(r); showLog(); } },
          },
          h("span", {}, s.name, " ", h("span", { class: "muted" }, s.kind)),
          h("span", {}, h("span", { class: "dur" }, duration(s.started, s.finished)), " ", stateBadge(s.state)))),
      ),
    );
  }

  page(run.id, null);
  fill(main, 
    header,
    failure,
    h("div", { class: "steps" },
      stepList,
      h("section", {}, h("div", { class: "loghead" }, logTitle, liveMark), log)),
  );
  document.title = "Run " + run.id + " · Cairn";
  render(run);
  showLog();
  liveMark.hidden = finished;
  const signal = view.signal;
  // not awaited: the page is ready now, the stream feeds it until the run ends or the user leaves
  stream("/api/v1/runs/" + encodeURIComponent(id) + "/events", (event, data) => {
      if (event === "log") {
        logs.set(data.step, (logs.get(data.step) || "") + data.text);
        if (data.step === selected) {
          const atEnd = log.scrollTop + log.clientHeight >= log.scrollHeight - 4;
          if (log.textContent === "(no output)") log.textContent = "";
          log.append(document.createTextNode(data.text));
          if (atEnd) log.scrollTop = log.scrollHeight;
        }
      } else if (event === "status" || event === "end") {
        finished = data.state !== "running" && data.state !== "queued";
        liveMark.hidden = finished;
        render(data);
        if (event === "end") showLog();
      }
    }, signal).catch((e) => {
      if (e.name !== "AbortError") main.append(errorBox(e));
    });
}

// ------------------------------------------------------------------ clusters and certificates

async function clustersPage() {
  const list = await api("/api/v1/clusters");
  page("Clusters", "Clusters with certificates on this server, with the standing of their newest certificate.", clusterTable(list.clusters));
}

function clusterTable(clusters) {
  return table(
    ["Cluster", "API server", "Standing", "Frameworks", "Expires", ["Certificates", { class: "num" }]],
    clusters.map((c) =>
      h("tr", { "data-cluster": c.id },
        h("td", {}, link(["clusters", c.id], h("span", { class: "mono" }, short(c.id)))),
        h("td", { class: "wrap" }, c.server),
        h("td", {}, c.latest ? stateBadge(c.latest.standing) : "—"),
        h("td", {}, c.latest ? c.latest.frameworks.join(", ") : ""),
        h("td", {}, c.latest ? when(c.latest.expiresAt) : ""),
        h("td", { class: "num" }, String(c.certificates)),
      ),
    ),
    "No certificates yet. cairn certify (or a schedule) issues them.",
  );
}

async function clusterPage(id) {
  const list = await api("/api/v1/clusters/" + encodeURIComponent(id) + "/certificates");
  const latest = list.certificates[0];
  page(
    "Cluster " + short(id),
    latest ? latest.server : null,
    h("div", { class: "crumbs" }, link(["clusters"], "Clusters"), " / ", h("span", { class: "mono wrap" }, id)),
    h("h2", {}, "Certificates"),
    table(
      ["Certificate", "Standing", "Frameworks", "Findings", "TEE", "Issued", "Expires", "Ledger"],
      list.certificates.map((c) =>
        h("tr", { "data-certificate": c.digest },
          h("td", {}, link(["certificates", c.digest], h("span", { class: "mono" }, short(c.digest)))),
          h("td", {}, stateBadge(c.standing)),
          h("td", {}, c.frameworks.join(", ")),
          h("td", {}, summaryText(c.summary)),
          h("td", {}, c.tee, c.hardwareBacked ? "" : h("span", { class: "muted" }, " (simulated)")),
          h("td", {}, when(c.issuedAt)),
          h("td", {}, when(c.expiresAt)),
          h("td", { class: "wrap" }, c.ledger, " ", h("span", { class: "mono muted" }, c.locator)),
        ),
      ),
      "No certificates.",
    ),
    latest ? verificationPanel(latest.digest) : null,
  );
}

function summaryText(summary) {
  return Object.entries(summary || {}).map(([k, v]) => k + " " + v).join(" · ");
}

async function certificatePage(digest) {
  const c = await api("/api/v1/certificates/" + encodeURIComponent(digest));
  const dl = (pairs) => h("table", { class: "kv" }, h("tbody", {}, pairs.map(([k, v]) => h("tr", {}, h("th", { scope: "row" }, k), h("td", { class: "wrap" }, v)))));
  page(
    "Certificate " + short(c.digest),
    null,
    h("div", { class: "crumbs" }, link(["clusters"], "Clusters"), " / ", link(["clusters", c.cluster], short(c.cluster)), " / ", short(c.digest)),
    h("p", {}, stateBadge(c.standing)),
    dl([
      ["Digest", h("span", { class: "mono" }, c.digest)],
      ["Cluster", h("span", { class: "mono" }, c.cluster)],
      ["API server", c.server],
      ["Scanned from", c.source],
      ["Frameworks", c.frameworks.join(", ")],
      ["Findings", summaryText(c.summary)],
      ["TEE", c.tee + (c.hardwareBacked ? " (hardware)" : " (simulated)")],
      ["Issued", when(c.issuedAt)],
      ["Expires", when(c.expiresAt)],
      ["Ledger", c.ledger],
      ["Ledger proof", h("span", { class: "mono" }, c.locator)],
    ]),
    verificationPanel(c.digest),
  );
}

function verificationPanel(digest) {
  const box = h("section", { class: "panel", id: "verification", "aria-live": "polite" }, h("h2", {}, "Live verification"), h("p", { class: "muted" }, "Verifying against the trust root and the ledger…"));
  const run = async () => {
    try {
      const v = await api("/api/v1/certificates/" + encodeURIComponent(digest) + "/verification");
      box.className = "panel " + (v.verified ? "verify-ok" : "verify-bad");
      fill(box, 
        h("h2", {}, "Live verification: ", v.verified ? badge("verified", "ok") : badge("not verified", "bad")),
        v.verified
          ? h("div", {}, "Every link of the trust chain holds (checked ", when(v.checkedAt), "):", h("ul", { class: "links" }, v.links.map((l) => h("li", {}, l))),
              v.notChecked.length ? h("p", { class: "muted" }, "Not checked: " + v.notChecked.join("; ")) : null)
          : h("div", {}, "The link that broke: ", h("strong", { id: "broken-link" }, v.failure.link), h("p", {}, v.failure.message), v.failure.hint ? h("p", { class: "muted" }, "Hint: " + v.failure.hint) : null),
        h("button", { type: "button", on: { click: run } }, "Verify again"),
      );
    } catch (e) {
      if (e.name === "AbortError") return;
      fill(box, h("h2", {}, "Live verification"), errorBox(e), h("button", { type: "button", on: { click: run } }, "Try again"));
    }
  };
  run();
  return box;
}

// ------------------------------------------------------------------ scans

const SEVERITIES = ["critical", "high", "medium", "low", "info"];

async function scansPage() {
  let list;
  try {
    list = await api("/api/v1/schedules");
  } catch (e) {
    if (e.status === 404) {
      return page("Scans", null, h("div", { class: "empty" }, "This server has no scheduled scanning."));
    }
    throw e;
  }
  page(
    "Scans",
    "Registered clusters, scanned on their schedule and re-certified before their certificate expires.",
    table(
      ["Cluster", "Schedule", "Next scan", "Last scan", "Findings", "Certificate"],
      list.clusters.map((c) =>
        h("tr", { "data-schedule": c.name },
          h("td", {}, link(["scans", c.name], c.name)),
          h("td", { class: "mono" }, c.schedule),
          h("td", {}, when(c.nextScan)),
          h("td", {}, c.lastScan ? when(c.lastScan.scannedAt) : "never"),
          h("td", {}, c.lastScan ? severityText(totals(c.lastScan.findings)) : ""),
          h("td", {}, c.certificate ? link(["certificates", c.certificate], h("span", { class: "mono" }, short(c.certificate))) : "none"),
        ),
      ),
      "No cluster is registered for scanning.",
    ),
  );
}

function totals(findings) {
  const out = {};
  for (const bySeverity of Object.values(findings || {})) {
    for (const [s, n] of Object.entries(bySeverity)) out[s] = (out[s] || 0) + n;
  }
  return out;
}

function severityText(t) {
  const parts = SEVERITIES.filter((s) => t[s]).map((s) => t[s] + " " + s);
  return parts.length ? parts.join(" · ") : "none failing";
}

async function scanClusterPage(name) {
  const list = await api("/api/v1/scans?cluster=" + encodeURIComponent(name) + "&limit=60");
  const scans = list.scans;
  const progress = h("div", { "aria-live": "polite" });
  const canScan = holds("Sec") || holds("Ops");
  const latest = scans[0];
  page(
    "Scans of " + name,
    scans.length + " scans shown, newest first.",
    h("div", { class: "crumbs" }, link(["scans"], "Scans"), " / ", name),
    canScan ? h("div", { class: "toolbar" }, h("button", { type: "button", class: "primary", id: "scan-now", on: { click: (e) => scanNow(name, e.target, progress) } }, "Scan now"), progress) : null,
    h("h2", {}, "Failing checks over time"),
    trendChart(scans.slice().reverse()),
    latest ? h("h2", {}, "Latest scan by framework and severity") : null,
    latest ? findingsTable(latest.findings) : null,
    h("h2", {}, "History"),
    table(["Scan", "When", "Failing checks"], scans.map((s) => h("tr", {}, h("td", { class: "mono" }, String(s.id)), h("td", {}, when(s.scannedAt)), h("td", {}, severityText(totals(s.findings))))), "No scans yet."),
  );
}

async function scanNow(name, button, progress) {
  button.disabled = true;
  try {
    const job = await api("/api/v1/schedules/" + encodeURIComponent(name) + "/scan", { method: "POST" });
    fill(progress, "Scan started…");
    await stream("/api/v1/scan-jobs/" + encodeURIComponent(job.scan) + "/events", (event, data) => {
      if (event === "progress") {
        const done = data.checksDone === null || data.checksDone === undefined ? "…" : data.checksDone;
        fill(progress, (data.phase === "certify" ? "Certifying" : "Scanning") +
          (data.checkPack ? " with " + data.checkPack : "") +
          (data.checks ? ": " + done + " of " + data.checks + " checks" : "") +
          (data.objects ? ", " + data.objects + " objects" : "") +
          (data.step ? " · " + data.step : ""));
      } else if (event === "end") {
        fill(progress, data.error ? errorBox(new ApiError(0, data.error)) : "Scan finished: " + data.outcome + (data.certificate ? " — new certificate " + short(data.certificate) : ""));
      }
    }, view.signal);
    route();
  } catch (e) {
    if (e.name !== "AbortError") fill(progress, errorBox(e));
  } finally {
    button.disabled = false;
  }
}

function findingsTable(findings) {
  const frameworks = Object.keys(findings).sort();
  return table(
    ["Framework", ...SEVERITIES.map((s) => [s, { class: "num" }])],
    frameworks.map((f) => h("tr", {}, h("td", {}, f), SEVERITIES.map((s) => h("td", { class: "num" }, String(findings[f][s] || 0))))),
    "No failing checks.",
  );
}

function trendChart(scans) {
  if (scans.length === 0) return h("div", { class: "empty" }, "No scans yet.");
  const W = 900, H = 220, L = 40, B = 24, T = 10, R = 10;
  const series = scans.map((s) => totals(s.findings));
  const max = Math.max(1, ...series.map((t) => SEVERITIES.reduce((a, s) => a + (t[s] || 0), 0)));
  const x = (i) => L + (scans.length === 1 ? (W - L - R) / 2 : (i * (W - L - R)) / (scans.length - 1));
  const y = (v) => T + (H - T - B) * (1 - v / max);
  const chart = svg("svg", { class: "chart", viewBox: "0 0 " + W + " " + H, role: "img", "aria-label": "Failing checks per scan, by severity" });
  for (const v of [0, max / 2, max]) {
    chart.append(svg("line", { x1: L, x2: W - R, y1: y(v), y2: y(v), stroke: "#e3e8ee" }));
    chart.append(svg("text", { x: L - 6, y: y(v) + 4, "text-anchor": "end" }, String(Math.round(v))));
  }
  // stacked areas, most severe at the bottom
  let base = series.map(() => 0);
  const colours = { critical: "#7a1c16", high: "#b3261e", medium: "#c77700", low: "#5b7fb5", info: "#8d99a6" };
  for (const s of SEVERITIES) {
    const top = series.map((t, i) => base[i] + (t[s] || 0));
    if (top.some((v, i) => v !== base[i])) {
      const pts = top.map((v, i) => x(i) + "," + y(v)).concat(base.map((v, i) => x(i) + "," + y(v)).reverse());
      chart.append(svg("polygon", { points: pts.join(" "), fill: colours[s], "fill-opacity": "0.8" }, svg("title", {}, s)));
    }
    base = top;
  }
  const first = scans[0].scannedAt.slice(0, 10), last = scans[scans.length - 1].scannedAt.slice(0, 10);
  chart.append(svg("text", { x: L, y: H - 6 }, first));
  chart.append(svg("text", { x: W - R, y: H - 6, "text-anchor": "end" }, last));
  return h("div", {}, chart, h("div", { class: "legend" }, SEVERITIES.map((s) => h("span", { class: "sev-" + s }, s))));
}

// ------------------------------------------------------------------ deployments

async function deploymentsPage() {
  const list = await api("/api/v1/targets");
  page(
    "Deployments",
    "Deploy targets and their latest revision with the gate's decision.",
    table(
      ["Target", "Latest", "Outcome", "Gate", "Commit", "When", ["Revisions", { class: "num" }]],
      list.targets.map((t) =>
        h("tr", { "data-target": t.name },
          h("td", {}, link(["deployments", t.name], t.name)),
          h("td", {}, t.latest ? "rev " + t.latest.rev + " (" + t.latest.kind + ")" : "—"),
          h("td", {}, t.latest ? stateBadge(t.latest.outcome) : ""),
          h("td", {}, t.latest ? t.latest.gate : ""),
          h("td", { class: "mono" }, t.latest && t.latest.commit ? t.latest.commit.slice(0, 10) : ""),
          h("td", {}, t.latest ? when(t.latest.time) : ""),
          h("td", { class: "num" }, String(t.revisions)),
        ),
      ),
      "No deploy targets. cairn deploy target add makes one.",
    ),
  );
}

async function targetPage(name) {
  const list = await api("/api/v1/targets/" + encodeURIComponent(name) + "/deployments");
  page(
    "Target " + name,
    "Every revision, newest first: what was deployed, by whom, and what the gate decided.",
    h("div", { class: "crumbs" }, link(["deployments"], "Deployments"), " / ", name),
    table(
      ["Rev", "Kind", "Outcome", "Gate decision", "Images", "Commit", "Who", "When", "Reason"],
      list.deployments.map((d) =>
        h("tr", {},
          h("td", { class: "num" }, String(d.rev)),
          h("td", {}, d.kind, d.restored ? " of rev " + d.restored : ""),
          h("td", {}, stateBadge(d.outcome)),
          h("td", {}, d.gate),
          h("td", { class: "mono wrap" }, d.images.join("\n")),
          h("td", { class: "mono" }, d.commit ? d.commit.slice(0, 10) : ""),
          h("td", {}, d.who),
          h("td", {}, when(d.time)),
          h("td", {}, d.reason || ""),
        ),
      ),
      "No revisions yet.",
    ),
  );
}

// ------------------------------------------------------------------ trust root

const TRUST_KINDS = [
  ["policy", "Attestation policies"],
  ["measurement", "Scanner measurements"],
  ["signing-key", "Certificate signing keys"],
  ["platform-key", "TEE platform keys"],
  ["log-key", "Transparency log keys"],
  ["witness-key", "Witnesses"],
  ["ledger-pin", "Ledger pins"],
  ["builder-key", "Builder keys"],
  ["builder-measurement", "Builder measurements"],
];

async function trustPage() {
  const t = await api("/api/v1/trust");
  const sections = [];
  for (const [kind, title] of TRUST_KINDS) {
    const es = t.entries.filter((e) => e.kind === kind);
    if (es.length === 0) continue;
    sections.push(
      h("h2", {}, title),
      table(
        ["Item", "Trusted from", "Until", "Now"],
        es.map((e) => h("tr", {}, h("td", { class: "mono wrap" }, e.name), h("td", {}, e.validFrom ? when(e.validFrom) : "always"), h("td", {}, e.validUntil ? when(e.validUntil) : "still trusted"), h("td", {}, e.trustedNow ? badge("trusted", "ok") : badge("retired", "idle")))),
        "",
      ),
    );
  }
  page(
    "Trust root",
    "What certificates and provenance are verified against: each policy version, measurement and key with the window in which it was trusted.",
    h("div", { class: "cards" },
      h("div", { class: "card" }, h("div", { class: "l" }, "Certificates from snapshots"), h("div", {}, t.acceptsSnapshots ? "accepted" : "refused")),
      h("div", { class: "card" }, h("div", { class: "l" }, "Witness cosignatures required"), h("div", {}, String(t.requiredWitnesses))),
      h("div", { class: "card" }, h("div", { class: "l" }, "Builders outside a TEE"), h("div", {}, t.acceptsUnattestedBuilders ? "accepted" : "refused")),
      h("div", { class: "card" }, h("div", { class: "l" }, "Pinned log checkpoints"), h("div", {}, t.checkpoints.map((c) => c.origin + " @ " + c.size).join(", ") || "none"))),
    sections.length ? sections : h("div", { class: "empty" }, "The trust root is empty: nothing has been certified here yet."),
  );
}

// ------------------------------------------------------------------ audit log

async function auditPage() {
  const list = await api("/api/v1/audit?limit=500");
  const filter = h("input", { id: "audit-filter", type: "search", placeholder: "Filter by any field", "aria-label": "Filter the audit log" });
  const body = h("div");
  const draw = () => {
    const q = filter.value.trim().toLowerCase();
    const rows = list.entries.filter((e) => !q || JSON.stringify(e.record).toLowerCase().includes(q));
    fill(body, 
      table(
        [["#", { class: "num" }], "When", "Event", "Actor", "Action", "Object", "Outcome", "Record"],
        rows.map((e) =>
          h("tr", {},
            h("td", { class: "num" }, String(e.line)),
            h("td", {}, when(e.at)),
            h("td", {}, e.event),
            h("td", {}, String(e.record.actor || e.record.who || "")),
            h("td", {}, String(e.record.action || "")),
            h("td", { class: "wrap" }, String(e.record.object || e.record.target || "")),
            h("td", {}, String(e.record.outcome || e.record.decision || "")),
            h("td", {}, h("details", {}, h("summary", {}, "record"), h("pre", {}, JSON.stringify(e.record, null, 2)))),
          ),
        ),
        q ? "Nothing matches." : "The audit log is empty.",
      ),
    );
  };
  filter.addEventListener("input", draw);
  page("Audit log", list.total + " records, newest first; their hash chain is checked as they are read.", h("div", { class: "toolbar" }, filter), body);
  draw();
}

// ------------------------------------------------------------------ notifications

const DELIVERY_TONE = { delivered: "ok", pending: "run", failed: "bad" };

async function notificationsPage() {
  const list = await api("/api/v1/notifications?limit=200");
  page(
    "Notifications",
    list.endpoints.length
      ? "Webhooks to " + list.endpoints.join(", ") + ": new failing checks, gate refusals, expiring and revoked certificates, signed and retried."
      : "No notification endpoint is configured (cairn serve --notify URL --notify-secret-file FILE).",
    table(
      ["When", "Event", "Subject", "Summary", "Endpoint", "Status", "Attempts"],
      list.deliveries.map((d) =>
        h("tr", { "data-delivery": d.id },
          h("td", {}, when(d.at)),
          h("td", {}, d.kind),
          h("td", { class: "mono wrap" }, d.subject),
          h("td", {}, d.summary),
          h("td", { class: "wrap" }, d.endpoint),
          h("td", {}, badge(d.status, DELIVERY_TONE[d.status] || "idle"), d.nextAttempt ? h("div", { class: "muted" }, "next ", when(d.nextAttempt)) : null),
          h("td", {}, h("details", {}, h("summary", {}, String(d.attempts.length)),
            h("pre", {}, d.attempts.map((a) => a.at + "  " + (a.status || "no answer") + (a.error ? "  " + a.error : "")).join("\n")))),
        ),
      ),
      "Nothing has been notified yet.",
    ),
  );
}

// ------------------------------------------------------------------ tokens

async function tokensPage() {
  if (!holds("Sec")) {
    return page("Tokens", null, h("div", { class: "empty" }, "Managing tokens needs the Sec duty."));
  }
  const list = await api("/api/v1/tokens");
  const out = h("div", { "aria-live": "polite" });
  const name = h("input", { id: "token-name", required: true, maxlength: "60", placeholder: "ci" });
  const duties = ["Dev", "Sec", "Ops", "Viewer"].map((d) => h("label", {}, h("input", { type: "checkbox", value: d, name: "duty" }), " " + d));
  const form = h(
    "form",
    {
      class: "panel",
      on: {
        submit: async (ev) => {
          ev.preventDefault();
          const ds = duties.map((l) => l.querySelector("input")).filter((i) => i.checked).map((i) => i.value);
          try {
            const made = await api("/api/v1/tokens", { method: "POST", body: { name: name.value.trim(), duties: ds } });
            fill(out, h("p", {}, "Token for “" + made.info.name + "” — shown this once; copy it now:"), h("div", { class: "secret", id: "new-token" }, made.token));
            name.value = "";
            drawList(await api("/api/v1/tokens"));
          } catch (e) {
            fill(out, errorBox(e));
          }
        },
      },
    },
    h("h2", {}, "New token"),
    h("div", { class: "row" }, h("div", {}, h("label", { for: "token-name" }, "Name"), name), h("div", {}, h("label", {}, "Duties"), h("div", { class: "row" }, duties)), h("button", { class: "primary", type: "submit" }, "Create")),
    out,
  );
  const listBox = h("div");
  const drawList = (l) =>
    fill(listBox, 
      table(
        ["Id", "Name", "Duties", "Created", "Revoked", ""],
        l.tokens.map((t) =>
          h("tr", {},
            h("td", { class: "mono" }, t.id),
            h("td", {}, t.name),
            h("td", {}, t.duties.join(", ")),
            h("td", {}, when(t.created)),
            h("td", {}, t.revoked ? when(t.revoked) : ""),
            h("td", {}, t.revoked ? "" : h("button", {
              type: "button", class: "danger",
              on: {
                click: async () => {
                  if (!confirm("Revoke the token “" + t.name + "”? Whoever uses it is refused from now on.")) return;
                  try {
                    await api("/api/v1/tokens/" + encodeURIComponent(t.id), { method: "DELETE" });
                    drawList(await api("/api/v1/tokens"));
                  } catch (e) {
                    fill(out, errorBox(e));
                  }
                },
              },
            }, "Revoke")),
          ),
        ),
        "No tokens.",
      ),
    );
  page("Tokens", "API tokens, stored hashed; a token is shown once, when it is made.", form, listBox);
  drawList(list);
}

// ------------------------------------------------------------------ routing

const ROUTES = [
  [/^$/, overview, ""],
  [/^runs$/, runsPage, "runs"],
  [/^runs\/([^/]+)$/, runPage, "runs"],
  [/^clusters$/, clustersPage, "clusters"],
  [/^clusters\/([^/]+)$/, clusterPage, "clusters"],
  [/^certificates\/([^/]+)$/, certificatePage, "clusters"],
  [/^scans$/, scansPage, "scans"],
  [/^scans\/([^/]+)$/, scanClusterPage, "scans"],
  [/^deployments$/, deploymentsPage, "deployments"],
  [/^deployments\/([^/]+)$/, targetPage, "deployments"],
  [/^trust$/, trustPage, "trust"],
  [/^audit$/, auditPage, "audit"],
  [/^notifications$/, notificationsPage, "notifications"],
  [/^tokens$/, tokensPage, "tokens"],
];

async function route() {
  view.abort();
  view = new AbortController();
  const path = location.hash.replace(/^#\/?/, "").split("?")[0];
  if (path === "login" || !token()) {
    markNav(null);
    return loginPage();
  }
  if (!me) {
    try {
      me = await api("/api/v1/me");
      showWho();
    } catch (e) {
      if (e.status !== 401) fill(main, errorBox(e));
      return;
    }
  }
  for (const [re, render, section] of ROUTES) {
    const m = re.exec(path);
    if (!m) continue;
    markNav(section);
    fill(main, h("p", { class: "muted" }, "Loading…"));
    try {
      await render(...m.slice(1).map(decodeURIComponent));
    } catch (e) {
      if (e.name === "AbortError") return;
      if (e.status === 401) return;
      fill(main, h("h1", {}, e.status === 404 ? "Not found" : "Something went wrong"), errorBox(e));
    }
    // after a navigation, the keyboard and screen readers go on from the new content; on the
    // first load they start from the top of the page, as on any page
    if (loaded) main.focus({ preventScroll: true });
    loaded = true;
    return;
  }
  markNav(null);
  page("Not found", null, h("p", {}, "No such page. ", link([], "Go to the overview")));
}

function markNav(section) {
  for (const a of document.querySelectorAll("#nav a")) {
    if (a.dataset.section === section) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
}

window.addEventListener("hashchange", route);
setInterval(() => {
  document.getElementById("clock").textContent = new Date().toISOString().slice(0, 19).replace("T", " ") + " UTC";
}, 1000);
route();
