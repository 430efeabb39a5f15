// The return upload page (issue 13): when the chosen CSV carries identity
// columns and the campaign secret is chosen, the browser encodes each row with
// the same code as the standalone encoder (encoder.js, WebCrypto) and sends,
// instead of the file, the anonymous columns and the encodings only. The
// secret's input has no name: it is never sent.
import { CHECK_COLUMN, ENCODINGS, LOCAL_PERSON_KEY, LinkageError, createEncoder, parseCsv } from "./encoder.js";

const IDENTITY = ["given_names", "family_names", "birth_date", "sex", "citizenship", "local_person_id"];
const LINKAGE = [CHECK_COLUMN, LOCAL_PERSON_KEY, ...ENCODINGS];

function delimiterOf(text) {
  const first = text.split(/\r?\n/, 1)[0] || "";
  const count = (c) => first.split(c).length - 1;
  return count(";") >= count(",") && count(";") >= count("\t") ? ";" : count("\t") > count(",") ? "\t" : ",";
}

function field(value) {
  return /[;"\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

// The anonymous columns of the return (everything but identities) and the
// encodings; sex and citizenship default to the questionnaire's own columns.
export async function encodeReturn(text, secretBytes, expectedCheck) {
  const [header, ...lines] = parseCsv(text, delimiterOf(text));
  const names = (header || []).map((c) => c.trim().toLowerCase());
  const missing = ["given_names", "family_names", "birth_date"].filter((c) => !names.includes(c));
  if (missing.length) throw new LinkageError(`colonnes d'identité manquantes : ${missing.join(", ")}`);
  const encoder = await createEncoder(secretBytes);
  if (encoder.check !== expectedCheck) {
    throw new LinkageError(
      `ce fichier n'est pas le secret de la campagne (valeur de contrôle ${encoder.check}, attendue ${expectedCheck})`,
    );
  }
  const kept = names.filter((c) => !IDENTITY.includes(c) && !LINKAGE.includes(c));
  const out = [[...kept, ...LINKAGE].join(";")];
  for (const [index, values] of lines.entries()) {
    const row = Object.fromEntries(names.map((c, i) => [c, (values[i] ?? "").trim()]));
    if (Object.values(row).every((v) => v === "")) continue;
    const identity = {
      ...row,
      record_id: "",
      organisation: "",
      sex: row.sex ?? row.sexe ?? "",
      citizenship: row.citizenship ?? (row.nationalites || "").split(/[|;,]/)[0].trim(),
    };
    let encoded;
    try {
      encoded = await encoder.encode(identity);
    } catch (error) {
      if (error instanceof LinkageError) throw new LinkageError(`ligne ${index + 2} : ${error.message}`);
      throw error;
    }
    out.push([...kept.map((c) => row[c]), ...LINKAGE.map((c) => encoded[c])].map(field).join(";"));
  }
  return { text: out.join("\r\n") + "\r\n", count: out.length - 1 };
}

const form = document.getElementById("import-form");
if (form && form.dataset.linkageCheck) {
  const file = form.querySelector("input[type=file][name=file]");
  const secret = document.getElementById("linkage-secret");
  const status = document.getElementById("linkage-status");
  form.addEventListener("submit", async (event) => {
    const chosen = file.files[0];
    if (!chosen || !secret.files[0] || form.dataset.encoded === "1") return;
    event.preventDefault();
    if (!/\.(csv|txt)$/i.test(chosen.name)) {
      status.textContent = "Refusé : l'encodage dans le navigateur lit un fichier CSV UTF-8 ; enregistrez votre tableur dans ce format.";
      return;
    }
    try {
      const [text, bytes] = await Promise.all([chosen.text(), secret.files[0].arrayBuffer()]);
      const result = await encodeReturn(text, new Uint8Array(bytes), form.dataset.linkageCheck);
      const encoded = new File([result.text], chosen.name.replace(/\.(csv|txt)$/i, "-encode.csv"), { type: "text/csv" });
      const transfer = new DataTransfer();
      transfer.items.add(encoded);
      file.files = transfer.files;
      secret.value = "";
      status.textContent = `${result.count} ligne(s) encodée(s) sur votre poste : envoi des colonnes anonymes et des encodages.`;
      form.dataset.encoded = "1";
      form.requestSubmit();
    } catch (error) {
      status.textContent = `Refusé : ${error.message}.`;
    }
  });
}
