// The operators' live page: REST for the first picture and for actions, the live push hub for every change.
"use strict";

const live = {
  token: sessionStorage.getItem("alignak.token"),
  userId: sessionStorage.getItem("alignak.user"),
  realms: new Map(),      // id -> name
  synthesis: new Map(),   // realm id -> counters
  hosts: new Map(),       // id -> host (name and live fields)
  services: new Map(),    // id -> service with a problem
  connection: null,
  subscription: null,     // { id, seq } of the "all" subscription, for a resume after a reconnect
};

const LIVE_FIELDS = ["name", "host", "_realm", "ls_state", "ls_state_type", "ls_output", "ls_acknowledged",
  "ls_downtimed", "ls_last_check", "ls_last_state_changed"];
const SEVERITY = { DOWN: 0, CRITICAL: 0, UNREACHABLE: 1, WARNING: 2, UNKNOWN: 3 };

function $(selector) { return document.querySelector(selector); }

function authHeader() { return "Basic " + btoa(live.token + ":"); }

async function rest(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: { "Authorization": authHeader(), "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const json = text ? JSON.parse(text) : null;
  if (!response.ok) {
    const message = json && json._error ? json._error.message : response.statusText;
    const issues = json && json._issues ? " " + JSON.stringify(json._issues) : "";
    throw new Error(`${method} ${path}: ${response.status} ${message}${issues}`);
  }
  return json;
}

/** Every item of a collection, page after page. */
async function all(resource, where, fields) {
  const items = [];
  const query = new URLSearchParams({ max_results: "50" });
  if (where) query.set("where", JSON.stringify(where));
  if (fields) query.set("projection", JSON.stringify(Object.fromEntries(fields.map(f => [f, 1]))));
  for (let page = 1; ; page++) {
    query.set("page", String(page));
    const result = await rest("GET", `/${resource}?${query}`);
    items.push(...result._items);
    if (!result._links || !result._links.next) return items;
  }
}

async function login(event) {
  event.preventDefault();
  $("#login-error").textContent = "";
  const username = $("#username").value;
  try {
    const response = await fetch("/login", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ username, password: $("#password").value }),
    });
    if (!response.ok) throw new Error("Wrong user name or password.");
    live.token = (await response.json()).token;
    const users = await all("user", { name: username }, ["name"]);
    live.userId = users.length ? users[0]._id : null;
    sessionStorage.setItem("alignak.token", live.token);
    sessionStorage.setItem("alignak.user", live.userId || "");
    await start();
  } catch (error) {
    $("#login-error").textContent = error.message;
  }
}

function logout() {
  sessionStorage.clear();
  if (live.connection) live.connection.stop();
  location.reload();
}

function setStatus(text) {
  const status = $("#status");
  status.textContent = text;
  status.className = "status " + text;
}

/** The whole picture from REST: after the login, and whenever the push says to resync. */
async function reload() {
  const [realms, synthesis, hosts, services] = await Promise.all([
    all("realm", null, ["name"]),
    all("livesynthesis"),
    all("host", { _is_template: false }, LIVE_FIELDS),
    all("service", { _is_template: false, ls_state: { $ne: "OK" } }, LIVE_FIELDS),
  ]);
  live.realms = new Map(realms.map(r => [r._id, r.name]));
  live.synthesis = new Map(synthesis.map(s => [s._realm, s]));
  live.hosts = new Map(hosts.map(h => [h._id, h]));
  live.services = new Map(services.map(s => [s._id, s]));
  render();
}

async function start() {
  $("#login").hidden = true;
  $("#board").hidden = false;
  $("#logout").hidden = false;
  live.connection = new signalR.HubConnectionBuilder()
    .withUrl("/hubs/live", { accessTokenFactory: () => live.token })
    .withAutomaticReconnect()
    .build();
  live.connection.on("live", batch => batch.forEach(receive));
  live.connection.onreconnecting(() => setStatus("reconnecting"));
  live.connection.onreconnected(() => subscribe().catch(showActionError));
  live.connection.onclose(() => setStatus("offline"));
  await live.connection.start();
  // Subscribe first, then load: a change made in between arrives by the push and is not lost.
  await subscribe();
  await reload();
}

/** Subscribes to everything this user may see, resuming the previous subscription after a reconnect. */
async function subscribe() {
  const request = live.subscription
    ? { scope: "all", resume: live.subscription.id, seq: live.subscription.seq }
    : { scope: "all" };
  const reply = await live.connection.invoke("Subscribe", request);
  live.subscription = { id: reply.subscription, seq: reply.seq };
  setStatus("live");
}

function receive(message) {
  if (live.subscription && message.subscription === live.subscription.id) live.subscription.seq = message.seq;
  switch (message.type) {
    case "resync":
      reload().catch(showActionError);
      return;
    case "livesynthesis":
      live.synthesis.set(message.realm, Object.assign({ _realm: message.realm }, message.counters));
      break;
    case "state":
      applyState(message);
      break;
    case "document":
      if (message.resource === "realm" && message.action !== "deleted") {
        live.realms.set(message.id, (message.document || message.fields || {}).name || live.realms.get(message.id));
      }
      if ((message.resource === "host" || message.resource === "service") && message.action === "deleted") {
        live.hosts.delete(message.id);
        live.services.delete(message.id);
      }
      break;
    default:
      return;
  }
  render();
}

function applyState(message) {
  const items = message.resource === "host" ? live.hosts : live.services;
  const known = items.get(message.id);
  if (!known) {
    // An item not on the board yet (a service that was OK): its whole state comes from REST.
    rest("GET", `/${message.resource}/${message.id}`).then(item => { items.set(item._id, item); render(); }).catch(() => {});
    return;
  }
  Object.assign(known, message.fields);
  if (message.resource === "service" && known.ls_state === "OK") live.services.delete(message.id);
}

function isProblem(item, resource) {
  if (!item.ls_last_check) return false;
  return resource === "host" ? item.ls_state !== "UP" : item.ls_state !== "OK";
}

function problems() {
  const rows = [];
  for (const host of live.hosts.values()) if (isProblem(host, "host")) rows.push({ resource: "host", item: host, host });
  for (const service of live.services.values()) {
    if (isProblem(service, "service")) rows.push({ resource: "service", item: service, host: live.hosts.get(service.host) });
  }
  const handled = row => row.item.ls_acknowledged || row.item.ls_downtimed ? 1 : 0;
  return rows.sort((a, b) => handled(a) - handled(b)
    || (SEVERITY[a.item.ls_state] ?? 9) - (SEVERITY[b.item.ls_state] ?? 9)
    || (b.item.ls_last_state_changed || 0) - (a.item.ls_last_state_changed || 0));
}

function cell(row, text, className) {
  const td = row.insertCell();
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

function render() {
  const synthesis = $("#synthesis tbody");
  synthesis.replaceChildren();
  for (const [realm, c] of live.synthesis) {
    const row = synthesis.insertRow();
    row.dataset.realm = realm;
    cell(row, live.realms.get(realm) || realm);
    for (const value of [c.hosts_total, c.hosts_up_hard + c.hosts_up_soft, c.hosts_down_hard + c.hosts_down_soft,
      c.hosts_unreachable_hard + c.hosts_unreachable_soft, c.services_total, c.services_ok_hard + c.services_ok_soft,
      c.services_warning_hard + c.services_warning_soft, c.services_critical_hard + c.services_critical_soft,
      c.services_unknown_hard + c.services_unknown_soft, c.hosts_acknowledged + c.services_acknowledged,
      c.hosts_in_downtime + c.services_in_downtime]) cell(row, String(value ?? 0));
  }

  const body = $("#problems tbody");
  body.replaceChildren();
  const list = problems();
  $("#problem-count").textContent = `(${list.length})`;
  for (const { resource, item, host } of list) {
    const row = body.insertRow();
    row.dataset.id = item._id;
    row.dataset.resource = resource;
    if (item.ls_acknowledged || item.ls_downtimed) row.className = "handled";
    const state = cell(row, "");
    const badge = document.createElement("span");
    badge.className = `state state-${item.ls_state}`;
    badge.textContent = `${item.ls_state} ${item.ls_state_type || ""}`.trim();
    state.append(badge);
    cell(row, host ? host.name : "");
    cell(row, resource === "service" ? item.name : "");
    cell(row, item.ls_output || "", "output");
    cell(row, item.ls_last_state_changed ? new Date(item.ls_last_state_changed * 1000).toLocaleString() : "");
    const flags = cell(row, "");
    if (item.ls_acknowledged) flags.insertAdjacentHTML("beforeend", '<span class="badge acknowledged">acknowledged</span>');
    if (item.ls_downtimed) flags.insertAdjacentHTML("beforeend", '<span class="badge downtimed">in downtime</span>');
    const actions = cell(row, "");
    if (!item.ls_acknowledged) actions.append(button("Acknowledge", "acknowledge", () => act("actionacknowledge", resource, item, host, {
      comment: "Acknowledged from the live page", sticky: true,
    })));
    if (!item.ls_downtimed) actions.append(button("Downtime 1 h", "downtime", () => {
      const now = Math.floor(Date.now() / 1000);
      return act("actiondowntime", resource, item, host, {
        comment: "Downtime from the live page", start_time: now, end_time: now + 3600, fixed: true,
      });
    }));
  }
}

function button(text, name, onClick) {
  const element = document.createElement("button");
  element.textContent = text;
  element.name = name;
  element.addEventListener("click", () => { element.disabled = true; onClick().catch(showActionError); });
  return element;
}

/** An action resource; the server applies it at once when ACTIONS_APPLY_IMMEDIATELY is on, and the push shows it. */
function act(resource, kind, item, host, fields) {
  $("#action-error").textContent = "";
  return rest("POST", `/${resource}`, Object.assign({
    host: kind === "host" ? item._id : item.host,
    service: kind === "service" ? item._id : null,
    user: live.userId,
  }, fields));
}

function showActionError(error) { $("#action-error").textContent = error.message; }

$("#login").addEventListener("submit", login);
$("#logout").addEventListener("click", logout);
if (live.token) start().catch(() => { sessionStorage.clear(); location.reload(); });
