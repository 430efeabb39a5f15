// Browser encoder for record linkage (issue 13): the same normalisation and
// keyed encodings as maillage/linkage/normalise.py and encoding.py, with
// WebCrypto's HMAC-SHA256. The identity file is read on the person's machine;
// only the encodings leave it. tests/linkage/test_browser_encoder.py proves
// the browser and the command line give identical encodings.
import RULES from "./rules.js";

export const INPUT_COLUMNS = ["record_id", "organisation", "given_names", "family_names", "birth_date", "sex", "citizenship"];
export const LOCAL_PERSON_COLUMN = "local_person_id";
export const ENCODINGS = [
  "e_all_date",
  "e_core_date",
  "e_firsts_swapdate",
  "e_phonetic_swapdate",
  "e_core_month",
  "e_family_date",
  "e_given_date",
  "e_prefix_date_sex",
  "e_core_year_sex_cit",
  "e_firsts_year",
  "e_phonetic_year",
  "e_core_sex_cit",
];
export const CHECK_COLUMN = "key_check";
export const LOCAL_PERSON_KEY = "local_person_key";
export const OUTPUT_COLUMNS = ["record_id", "organisation", LOCAL_PERSON_KEY, CHECK_COLUMN, ...ENCODINGS];
export const MIN_SECRET_BYTES = 32;

const SEPARATOR = "\u001f";
const PARTICLES = new Set(RULES.particles);
const PLACEHOLDERS = new Set(RULES.placeholderDayMonths.map(([day, month]) => `${day}/${month}`));
const PHONETIC = RULES.phoneticRules.map(([pattern, replacement]) => [new RegExp(pattern, "g"), replacement]);

export class LinkageError extends Error {}

// Lower-case letters without accents; every other character becomes a space.
export function fold(text) {
  const withoutMarks = text.normalize("NFKD").replace(/\p{M}/gu, "");
  let out = "";
  for (const c of withoutMarks.toLowerCase()) {
    let mapped = RULES.specialLetters[c] ?? c;
    mapped = RULES.cyrillic[mapped] ?? mapped;
    out += mapped;
  }
  let result = "";
  for (const c of out) result += /\p{L}/u.test(c) ? c : " ";
  return result;
}

export function nameWords(text) {
  const words = fold(text || "").split(" ").filter(Boolean);
  const kept = words.filter((w) => !PARTICLES.has(w));
  return kept.length ? kept : words;
}

export function phonetic(word) {
  if (!/^[a-z]+$/.test(word)) return word;
  for (const [pattern, replacement] of PHONETIC) word = word.replace(pattern, replacement);
  let collapsed = "";
  for (const c of word) if (collapsed[collapsed.length - 1] !== c) collapsed += c;
  return collapsed.toLowerCase();
}

const pad = (n, width) => String(n).padStart(width, "0");

export function parseBirthDate(text, today = new Date()) {
  text = (text || "").trim();
  const unknown = { full: null, swapInvariant: null, year: null };
  if (!text) return unknown;
  const thisYear = today.getFullYear();
  let year, month, day, m;
  if ((m = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/.exec(text))) {
    [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  } else if ((m = /^([0-9]{2})\/([0-9]{2})\/([0-9]{4})$/.exec(text))) {
    [day, month, year] = [Number(m[1]), Number(m[2]), Number(m[3])];
  } else if ((m = /^([0-9]{4})$/.exec(text))) {
    year = Number(m[1]);
    return year >= RULES.earliestYear && year <= thisYear ? { ...unknown, year: pad(year, 4) } : unknown;
  } else {
    throw new LinkageError(`date de naissance « ${text} » : attendu AAAA-MM-JJ, AAAA ou vide`);
  }
  const check = new Date(Date.UTC(2000, month - 1, day));
  check.setUTCFullYear(year);
  if (year < 1 || month < 1 || month > 12 || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
    throw new LinkageError(`date de naissance « ${text} » : ce jour n'existe pas`);
  }
  if (year < RULES.earliestYear || year > thisYear) return unknown;
  if (PLACEHOLDERS.has(`${day}/${month}`)) return { ...unknown, year: pad(year, 4) };
  const [low, high] = day < month ? [day, month] : [month, day];
  return {
    full: `${pad(year, 4)}${pad(month, 2)}${pad(day, 2)}`,
    swapInvariant: `${pad(year, 4)}${pad(low, 2)}${pad(high, 2)}`,
    year: pad(year, 4),
  };
}

export function normaliseSex(text) {
  return RULES.sexValues[fold(text || "").trim()] ?? "";
}

export function normaliseCitizenship(text) {
  text = (text || "").trim().toUpperCase();
  if (text && !/^[A-Z]{2}$/.test(text)) {
    throw new LinkageError(`nationalité « ${text} » : attendu un code pays ISO à deux lettres (FR, RO, NG…) ou vide`);
  }
  return text;
}

const byCodePoint = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

// The plaintext of each encoding (keyed at once, never kept); see encoding.py.
export function messages(row) {
  const given = nameWords(row.given_names);
  const family = nameWords(row.family_names);
  const birth = parseBirthDate(row.birth_date);
  const sex = normaliseSex(row.sex);
  const citizenship = normaliseCitizenship(row.citizenship);
  const core = [...given.slice(0, 1), ...family];
  const firsts = given.length && family.length ? [given[0], family[0]] : [];
  const orNull = (text) => (text === "" ? null : text);
  const all = orNull([...given, ...family].sort(byCodePoint).join(" "));
  const coreText = orNull([...core].sort(byCodePoint).join(" "));
  const firstsText = orNull([...firsts].sort(byCodePoint).join(" "));
  const sounds = orNull(core.map(phonetic).sort(byCodePoint).join(" "));
  const familyText = orNull(family.join(" "));
  const givenText = given.length ? given[0] : null;
  const { full, swapInvariant: swapped, year } = birth;
  const prefixes =
    given.length && family.length
      ? [given[0].slice(0, RULES.prefixLength), family[0].slice(0, RULES.prefixLength)].sort(byCodePoint).join(" ")
      : null;
  const combine = (...parts) => (parts.some((p) => p === null || p === undefined || p === "") ? null : parts.join(SEPARATOR));
  return {
    e_all_date: combine(all, full),
    e_core_date: combine(coreText, full),
    e_firsts_swapdate: combine(firstsText, swapped),
    e_phonetic_swapdate: combine(sounds, swapped),
    e_core_month: combine(coreText, full ? full.slice(0, 6) : null),
    e_family_date: combine(familyText, full),
    e_given_date: combine(givenText, full),
    e_prefix_date_sex: combine(prefixes, full, sex),
    e_core_year_sex_cit: coreText && year ? [coreText, year, sex, citizenship].join(SEPARATOR) : null,
    e_firsts_year: combine(firstsText, year),
    e_phonetic_year: combine(sounds, year),
    e_core_sex_cit: combine(coreText, sex, citizenship),
  };
}

// The secret file's bytes, a final line ending removed (as read_secret does).
export function checkSecret(bytes) {
  let data = new Uint8Array(bytes);
  const n = data.length;
  if (n >= 2 && data[n - 2] === 13 && data[n - 1] === 10) data = data.slice(0, n - 2);
  else if (n >= 1 && data[n - 1] === 10) data = data.slice(0, n - 1);
  if (data.length < MIN_SECRET_BYTES) {
    throw new LinkageError(
      `Le secret fait ${data.length} octets : il en faut au moins ${MIN_SECRET_BYTES}. Utilisez le fichier remis par le tiers de confiance, sans le modifier.`,
    );
  }
  return data;
}

const encoder = new TextEncoder();

async function hmacKey(raw) {
  return crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
}

async function sign(key, text) {
  return new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(text)));
}

function base64url(bytes) {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

const hex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

export async function createEncoder(secretBytes) {
  const secret = checkSecret(secretBytes);
  const master = await hmacKey(secret);
  const key = await hmacKey(await sign(master, `${RULES.scheme}/encode`));
  const check = hex((await sign(master, `${RULES.scheme}/check`)).slice(0, 8));
  const mac = async (label, message) => base64url((await sign(key, `${label}${SEPARATOR}${message}`)).slice(0, 12));
  return {
    check,
    async encode(row) {
      const organisation = (row.organisation || "").trim();
      const local = (row[LOCAL_PERSON_COLUMN] || "").trim();
      const out = {
        record_id: (row.record_id || "").trim(),
        organisation,
        [LOCAL_PERSON_KEY]: local ? await mac("local", `${organisation}${SEPARATOR}${local}`) : "",
        [CHECK_COLUMN]: check,
      };
      for (const [label, message] of Object.entries(messages(row))) {
        out[label] = message === null ? "" : await mac(label, message);
      }
      return out;
    },
  };
}

// RFC 4180 CSV (quotes, doubled quotes, CRLF or LF), a leading BOM ignored;
// the separator is a comma unless told (the upload page reads « ; » files too).
export function parseCsv(text, delimiter = ",") {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const rows = [];
  let row = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"') quoted = true;
    else if (c === delimiter) {
      row.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += c;
  }
  if (field !== "" || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => !(r.length === 1 && r[0] === ""));
}

function csvField(value) {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function toCsv(header, records) {
  return [header, ...records.map((r) => header.map((c) => r[c] ?? ""))].map((r) => r.map(csvField).join(",")).join("\r\n") + "\r\n";
}

// Encode a whole identity file (its text) into the encoded file's text.
export async function encodeCsv(text, secretBytes) {
  const [header, ...lines] = parseCsv(text);
  const missing = INPUT_COLUMNS.filter((c) => !(header || []).includes(c));
  if (missing.length) {
    throw new LinkageError(
      `Colonnes manquantes : ${missing.join(", ")}. Colonnes attendues : ${INPUT_COLUMNS.join(", ")} ; colonnes trouvées : ${(header || []).join(", ") || "(aucune)"}.`,
    );
  }
  const enc = await createEncoder(secretBytes);
  const seen = new Set();
  const out = [];
  for (const [index, values] of lines.entries()) {
    const line = index + 2;
    const row = Object.fromEntries(header.map((c, i) => [c, values[i] ?? ""]));
    const recordId = (row.record_id || "").trim();
    if (!recordId || !(row.organisation || "").trim()) {
      throw new LinkageError(`Ligne ${line} : record_id et organisation sont obligatoires.`);
    }
    if (seen.has(recordId)) throw new LinkageError(`Ligne ${line} : le record_id ${recordId} apparaît deux fois.`);
    seen.add(recordId);
    try {
      out.push(await enc.encode(row));
    } catch (error) {
      if (error instanceof LinkageError) throw new LinkageError(`Ligne ${line} : ${error.message}.`);
      throw error;
    }
  }
  return { text: toCsv(OUTPUT_COLUMNS, out), count: out.length, check: enc.check };
}

// The upload page's reading of a file chosen by the person: nothing is sent.
export async function encodeFile(file, secretFile) {
  const [text, secret] = await Promise.all([file.text(), secretFile.arrayBuffer()]);
  return encodeCsv(text, new Uint8Array(secret));
}
