// The phone's store of check-ins and check-outs, shared by the page (phone.js) and the
// service worker (/evv/sw.js).
//
// Every punch is written here before it is sent, so that nothing is lost when the
// network is not there. Records are encrypted with AES-GCM under a key the browser made
// and will not export (WebCrypto, extractable: false), kept in the same database: the
// data on disk cannot be read without this browser profile. Where WebCrypto is missing
// (a page served without HTTPS), records are kept as they are.
//
// A punch leaves the store only when the portal answered "recorded" or "duplicate" (it
// was recorded before, from another tab or a retry). A refused punch stays, with the
// portal's message, until the provider dismisses it.

const DB_NAME = "ihss-evv";
const DB_VERSION = 1;
const KEY_NAME = "aes-gcm";
// The most punches one upload may carry (the portal's MAX_PUNCHES).
const BATCH = 200;

function done(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

export function openStore() {
  const request = indexedDB.open(DB_NAME, DB_VERSION);
  request.onupgradeneeded = () => {
    const db = request.result;
    db.createObjectStore("keys");
    db.createObjectStore("meta");
    db.createObjectStore("punches", { keyPath: "id" });
  };
  return done(request);
}

function store(db, name, mode = "readonly") {
  return db.transaction(name, mode).objectStore(name);
}

const subtle = globalThis.crypto && globalThis.crypto.subtle;

async function secretKey(db) {
  if (!subtle) { return null; }
  const known = await done(store(db, "keys").get(KEY_NAME));
  if (known) { return known; }
  const made = await subtle.generateKey({ name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]);
  try {
    // add, not put: two tabs making a key at once keep the first, never lose one.
    await done(store(db, "keys", "readwrite").add(made, KEY_NAME));
    return made;
  } catch (error) {
    return done(store(db, "keys").get(KEY_NAME));
  }
}

async function seal(db, value) {
  const key = await secretKey(db);
  const text = new TextEncoder().encode(JSON.stringify(value));
  if (!key) { return { plain: value }; }
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const box = await subtle.encrypt({ name: "AES-GCM", iv }, key, text);
  return { iv, box };
}

async function unseal(db, sealed) {
  if ("plain" in sealed) { return sealed.plain; }
  const key = await secretKey(db);
  const text = await subtle.decrypt({ name: "AES-GCM", iv: sealed.iv }, key, sealed.box);
  return JSON.parse(new TextDecoder().decode(text));
}

export function newId() {
  if (globalThis.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export async function setMeta(db, name, value) {
  const sealed = await seal(db, value);
  await done(store(db, "meta", "readwrite").put(sealed, name));
}

export async function getMeta(db, name) {
  const sealed = await done(store(db, "meta").get(name));
  if (!sealed) { return undefined; }
  try { return await unseal(db, sealed); } catch (error) { return undefined; }
}

// entry: {punch: what the portal is sent, note: {name, refused, message, code}}
export async function putPunch(db, owner, entry) {
  const sealed = await seal(db, entry);
  await done(store(db, "punches", "readwrite").put({ id: entry.punch.id, owner: String(owner), sealed }));
}

export async function removePunch(db, id) {
  await done(store(db, "punches", "readwrite").delete(id));
}

export async function waiting(db, owner) {
  const rows = await done(store(db, "punches").getAll());
  const entries = [];
  for (const row of rows) {
    if (row.owner !== String(owner)) { continue; }
    try { entries.push(await unseal(db, row.sealed)); } catch (error) { /* another profile's key */ }
  }
  entries.sort((a, b) => a.punch.punched_at.localeCompare(b.punch.punched_at));
  return entries;
}

function withLock(run) {
  // One upload at a time across tabs and the service worker (the portal would answer
  // a second one "duplicate" anyway; this saves the round trip).
  if (globalThis.navigator && navigator.locks) { return navigator.locks.request("ihss-evv-send", run); }
  return run();
}

// Send what is waiting. Answers {results: [...]} or {error: "offline" | "signed_out" |
// "server", message}.
export function sendWaiting(db, { owner, syncUrl, csrf }) {
  return withLock(async () => {
    const results = [];
    for (;;) {
      const entries = (await waiting(db, owner)).filter((e) => !e.note.refused);
      const sent = new Set(results.map((r) => r.id));
      const batch = entries.filter((e) => !sent.has(e.punch.id)).slice(0, BATCH);
      if (!batch.length) { return { results }; }
      let response;
      try {
        response = await fetch(syncUrl, {
          method: "POST",
          credentials: "same-origin",
          redirect: "manual",
          headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf || "" },
          body: JSON.stringify({ punches: batch.map((e) => e.punch) }),
        });
      } catch (error) {
        return { results, error: "offline" };
      }
      if (response.type === "opaqueredirect" || response.status === 401 || response.status === 403) {
        return { results, error: "signed_out" };
      }
      let answer = null;
      try { answer = await response.json(); } catch (error) { answer = null; }
      if (!response.ok || !answer || !Array.isArray(answer.results)) {
        return { results, error: "server", message: answer && answer.message };
      }
      const byId = new Map(batch.map((e) => [e.punch.id, e]));
      const before = results.length;
      for (const result of answer.results) {
        const entry = byId.get(result.id);
        if (!entry) { continue; }
        if (result.status === "recorded" || result.status === "duplicate") {
          await removePunch(db, result.id);
        } else {
          entry.note = { ...entry.note, refused: true, message: result.message, code: result.code };
          await putPunch(db, owner, entry);
        }
        results.push({ ...result, kind: entry.punch.kind });
      }
      if (results.length === before) { return { results, error: "server" }; }
    }
  });
}
