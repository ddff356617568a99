// The phone screen (/evv/): check in and out, kept on the phone first, sent when it can be.
//
// - Each tap makes one punch with an id made here and the phone's time. Home asks the
//   browser for its position once, at that moment; Community never asks. A refused
//   permission or no fix is said so ("denied", "unavailable") and the punch is kept.
// - The punch is written to the encrypted store (store.js), then sent: now, when the
//   connection returns ("online"), when the page is opened, and by the service worker's
//   Background Sync where the browser has it.
// - What the portal refused stays listed with its reason until the provider dismisses it.
import { getMeta, newId, openStore, putPunch, removePunch, sendWaiting, setMeta, waiting } from "./store.js";

const app = document.getElementById("evv-app");
const text = JSON.parse(document.getElementById("evv-text").textContent);
const owner = app.dataset.provider;
const shell = app.dataset.shell === "true";
const form = document.getElementById("evv-punch");
const statusBox = document.getElementById("evv-status");
const list = document.getElementById("evv-waiting-list");
const empty = document.getElementById("evv-waiting-empty");
const clock = new Intl.DateTimeFormat(app.dataset.language, { hour: "numeric", minute: "2-digit" });

// The browser's own limit for a fix (geolocation's timeout), and ours for a permission
// prompt nobody answers: past either, the punch is kept as "unavailable".
const FIX_TIMEOUT_MS = 10000;
const PROMPT_TIMEOUT_MS = 30000;
// After an upload that did not get through, try again after 5 s, then twice as long each
// time, up to a minute: the "online" event does not come when a connection only stalled.
const RETRY_FIRST_MS = 5000;
const RETRY_MAX_MS = 60000;

let db = null;
let busy = false;
let retryTimer = null;
let retries = 0;

function retryLater() {
  if (retryTimer) { return; }
  const delay = Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** retries);
  retries += 1;
  retryTimer = setTimeout(() => { retryTimer = null; send({ quiet: true }); }, delay);
}

function say(message, tone = "info") {
  statusBox.replaceChildren();
  if (!message) { return; }
  const box = document.createElement("div");
  box.className = `usa-alert usa-alert--${tone} usa-alert--slim`;
  const body = document.createElement("div");
  body.className = "usa-alert__body";
  const p = document.createElement("p");
  p.className = "usa-alert__text";
  p.textContent = message;
  body.append(p);
  box.append(body);
  statusBox.append(box);
}

function csrfToken() {
  const name = app.dataset.csrfCookie;
  for (const part of document.cookie.split(";")) {
    const [key, ...value] = part.trim().split("=");
    if (key === name) { return decodeURIComponent(value.join("=")); }
  }
  return app.dataset.csrfToken;
}

function withOffset(moment) {
  const pad = (n) => String(n).padStart(2, "0");
  const offset = -moment.getTimezoneOffset();
  const sign = offset >= 0 ? "+" : "-";
  const abs = Math.abs(offset);
  return `${moment.getFullYear()}-${pad(moment.getMonth() + 1)}-${pad(moment.getDate())}`
    + `T${pad(moment.getHours())}:${pad(moment.getMinutes())}:${pad(moment.getSeconds())}`
    + `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

function locate() {
  return new Promise((resolve) => {
    if (!navigator.geolocation) { resolve({ position: "unavailable" }); return; }
    const gaveUp = setTimeout(() => resolve({ position: "unavailable" }), PROMPT_TIMEOUT_MS);
    navigator.geolocation.getCurrentPosition(
      (fix) => {
        clearTimeout(gaveUp);
        resolve({
          position: "fix",
          latitude: fix.coords.latitude,
          longitude: fix.coords.longitude,
          accuracy: fix.coords.accuracy,
        });
      },
      (error) => {
        clearTimeout(gaveUp);
        resolve({ position: error.code === error.PERMISSION_DENIED ? "denied" : "unavailable" });
      },
      { enableHighAccuracy: true, timeout: FIX_TIMEOUT_MS, maximumAge: 0 },
    );
  });
}

function buttons() {
  return form ? Array.from(form.querySelectorAll("button[data-kind]")) : [];
}

function describe(entry) {
  const p = entry.punch;
  const when = clock.format(new Date(p.punched_at));
  return `${text[p.kind]} · ${text[p.place]} · ${entry.note.name || text.unknown_recipient} · ${when}`;
}

async function render() {
  const entries = db ? await waiting(db, owner) : [];
  list.replaceChildren();
  empty.hidden = entries.length > 0;
  entries.forEach((entry, index) => {
    const item = document.createElement("li");
    const what = document.createElement("p");
    what.className = "margin-0";
    what.id = `evv-waiting-${index}`;
    what.textContent = describe(entry);
    const state = document.createElement("p");
    state.className = "margin-0";
    item.append(what, state);
    if (entry.note.refused) {
      item.className = "evv-refused";
      const strong = document.createElement("strong");
      strong.textContent = `${text.waiting_refused} `;
      state.append(strong, entry.note.message || "");
      const dismiss = document.createElement("button");
      dismiss.type = "button";
      dismiss.className = "usa-button usa-button--outline";
      dismiss.textContent = text.dismiss;
      dismiss.setAttribute("aria-describedby", what.id);
      dismiss.addEventListener("click", async () => {
        await removePunch(db, entry.punch.id);
        await render();
        say(text.dismissed, "info");
        document.getElementById("evv-waiting-heading").focus();
      });
      item.append(dismiss);
    } else {
      state.textContent = text.waiting_pending;
    }
    list.append(item);
  });
}

async function refreshVisits() {
  try {
    const response = await fetch(app.dataset.pageUrl, { credentials: "same-origin", redirect: "manual" });
    if (!response.ok) { return; }
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    const fresh = page.getElementById("evv-today-list");
    if (fresh) { document.getElementById("evv-today-list").replaceChildren(...fresh.childNodes); }
  } catch (error) { /* offline: the list is refreshed on the next upload */ }
}

function report(outcome) {
  const refused = outcome.results.filter((r) => r.status === "refused");
  const last = outcome.results.filter((r) => r.status !== "refused").pop();
  if (outcome.error === "offline") { say(text.offline, "warning"); return; }
  if (outcome.error === "signed_out") { say(text.signed_out, "error"); return; }
  if (outcome.error === "server") { say(outcome.message || text.server, "error"); return; }
  if (refused.length) { say(`${text.refused} ${refused[refused.length - 1].message}`, "error"); return; }
  if (last) { say(last.kind === "out" ? text.recorded_out : text.recorded_in, "success"); }
}

async function send({ quiet = false } = {}) {
  if (!db) { return; }
  const outcome = await sendWaiting(db, { owner, syncUrl: app.dataset.syncUrl, csrf: csrfToken() });
  if (outcome.error === "offline") { retryLater(); } else { retries = 0; }
  await render();
  if (outcome.results.some((r) => r.status !== "refused")) { await refreshVisits(); }
  if (!quiet || outcome.results.length || outcome.error) { report(outcome); }
}

async function punch(kind) {
  if (busy) { return; }
  const choice = form.querySelector("input[name=choice]:checked");
  const place = form.querySelector("input[name=place]:checked");
  if (!choice) {
    say(text.choose_recipient, "error");
    const first = form.querySelector("input[name=choice]");
    if (first) { first.focus(); }
    return;
  }
  if (!place) {
    say(text.choose_place, "error");
    form.querySelector("input[name=place]").focus();
    return;
  }
  busy = true;
  buttons().forEach((b) => { b.disabled = true; });
  form.setAttribute("aria-busy", "true");
  try {
    const [recipient, program] = choice.value.split(":");
    const entry = {
      punch: {
        id: newId(),
        kind,
        recipient: Number(recipient),
        program,
        place: place.value,
        punched_at: withOffset(new Date()),
        position: "not_asked",
      },
      note: { name: choice.dataset.name || "" },
    };
    if (place.value === "home") {
      say(text.locating);
      Object.assign(entry.punch, await locate());
    }
    say(text.saving);
    await putPunch(db, owner, entry);
    await render();
    say(text.saved);
    askForBackgroundSync();
    await send();
  } finally {
    busy = false;
    buttons().forEach((b) => { b.disabled = false; });
    form.removeAttribute("aria-busy");
  }
}

function renderChoices(choices) {
  const box = document.getElementById("evv-choices");
  if (!box || box.children.length || !choices) { return; }
  if (!choices.length) {
    const p = document.createElement("p");
    p.textContent = text.no_choices;
    box.append(p);
    return;
  }
  choices.forEach((choice, index) => {
    const wrap = document.createElement("div");
    wrap.className = "usa-radio";
    const input = document.createElement("input");
    input.className = "usa-radio__input usa-radio__input--tile";
    input.type = "radio";
    input.name = "choice";
    input.id = `evv-choice-${index + 1}`;
    input.value = `${choice.recipient}:${choice.program}`;
    input.dataset.name = choice.name;
    input.checked = choices.length === 1;
    const label = document.createElement("label");
    label.className = "usa-radio__label";
    label.htmlFor = input.id;
    label.textContent = choice.label;
    wrap.append(input, label);
    box.append(wrap);
  });
}

async function askForBackgroundSync() {
  try {
    const registration = await navigator.serviceWorker.ready;
    if (registration.sync) { await registration.sync.register("evv-send"); }
  } catch (error) { /* no service worker or no Background Sync: "online" and the next open send it */ }
}

function installWorker() {
  if (!("serviceWorker" in navigator)) { return; }
  navigator.serviceWorker
    .register(app.dataset.workerUrl, { scope: app.dataset.scope, type: "module" })
    .catch(() => { /* blocked or unsupported: the screen works online without it */ });
  navigator.serviceWorker.addEventListener("message", async (event) => {
    if (!event.data || event.data.type !== "evv-sent") { return; }
    await render();
    if (event.data.results.some((r) => r.status !== "refused")) { await refreshVisits(); }
    report({ results: event.data.results });
  });
}

async function start() {
  buttons().forEach((button) => {
    button.addEventListener("click", () => punch(button.dataset.kind));
  });
  installWorker();
  try {
    db = await openStore();
  } catch (error) {
    say(text.server, "error");
    return;
  }
  // What the service worker needs to send on its own: whose punches, and the token.
  await setMeta(db, "owner", owner);
  await setMeta(db, "csrf", csrfToken());
  const data = document.getElementById("evv-choice-data");
  if (data) {
    await setMeta(db, `choices:${owner}`, JSON.parse(data.textContent));
  } else if (shell) {
    renderChoices((await getMeta(db, `choices:${owner}`)) || []);
  }
  await render();
  window.addEventListener("online", () => send());
  await send({ quiet: true });
  app.dataset.ready = "true";
}

start();
