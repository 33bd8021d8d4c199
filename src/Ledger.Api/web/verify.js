// 案卷核验: checks a dossier (ledger.dossier.v1, GET /cases/{id}/dossier) in this browser with WebCrypto, trusting no
// server: every event's hash recomputed from its content and linked to the one before (the database's chain,
// migrations/0011), every leaf's inclusion proof against the signed checkpoint's root (RFC 9162 §2.1.3.2), and the
// checkpoint's signature against the public key the auditor supplies. The same checks as `ledger verify-dossier`
// (DossierVerifier); SM2/SM3 logs are left to it, as browsers do not implement the national algorithms.
import { el, getJson, hex, sha256, showFailure, signedIn } from './common.js';

const FORMAT = 'ledger.dossier.v1';
const utf8 = new TextEncoder();

function fromHex(text) {
  if (typeof text !== 'string' || !/^([0-9a-f]{2})*$/.test(text)) throw new Error('不是小写十六进制');
  return Uint8Array.from(text.match(/../g) ?? [], pair => parseInt(pair, 16));
}
function fromBase64(text) { return Uint8Array.from(atob(text), c => c.charCodeAt(0)); }
function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}
function same(a, b) { return a.length === b.length && a.every((x, i) => x === b[i]); }

/** "2025-02-19T03:58:59.000000Z" → microseconds since the Unix epoch, exactly (BigInt). */
function micros(instant) {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.(\d{6})Z$/.exec(instant);
  if (!m) throw new Error(`recorded_at '${instant}' 不是 uuuu-MM-ddTHH:mm:ss.ffffffZ`);
  const seconds = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) / 1000;
  return BigInt(seconds) * 1000000n + BigInt(m[7]);
}

/** The event's hash as the database computes it: SHA-256(previous ‖ UTF-8 of the canonical text). */
async function eventHash(previous, streamId, e) {
  const text = ['ledger.event.v1', streamId, String(e.version), e.event_id, e.type, micros(e.recorded_at).toString(), e.data, e.metadata].join('\n');
  return sha256(concat(previous, utf8.encode(text)));
}
async function leafHash(position, streamId, version, hash) {
  return sha256(concat(Uint8Array.of(0), utf8.encode(`ledger.leaf.v1\n${position}\n${streamId}\n${version}\n${hex(hash)}`)));
}
async function children(left, right) { return sha256(concat(Uint8Array.of(1), left, right)); }

/** RFC 9162 §2.1.3.2. */
async function verifyInclusion(index, size, leaf, proof, root) {
  if (index < 0n || size < 1n || index >= size) return false;
  let fn = index, sn = size - 1n, r = leaf;
  for (const p of proof) {
    if (sn === 0n || p.length !== 32) return false;
    if ((fn & 1n) === 1n || fn === sn) {
      r = await children(p, r);
      if ((fn & 1n) === 0n) while (fn !== 0n && (fn & 1n) === 0n) { fn >>= 1n; sn >>= 1n; }
    } else {
      r = await children(r, p);
    }
    fn >>= 1n; sn >>= 1n;
  }
  return sn === 0n && same(r, root);
}

/** The checkpoint's fields from its signed note, which must be in canonical form (Checkpoint.FromNote). */
function parseNote(note) {
  const lines = note.split('\n');
  if (lines.length !== 9 || lines[8] !== '' || lines[0] !== 'ledger checkpoint v1') throw new Error("检查点须为 'ledger checkpoint v1' 及 7 行 'name: value'");
  const names = ['origin', 'tree-hash', 'size', 'root', 'time', 'key', 'signature'];
  const fields = {};
  names.forEach((name, i) => {
    if (!lines[i + 1].startsWith(`${name}: `)) throw new Error(`检查点第 ${i + 2} 行应以 '${name}: ' 开头`);
    fields[name] = lines[i + 1].slice(name.length + 2);
  });
  if (!/^[1-9]\d*$/.test(fields.size)) throw new Error(`检查点 size '${fields.size}' 不是正整数`);
  if (!/^[0-9a-f]{64}$/.test(fields.root)) throw new Error('检查点 root 须为 32 字节的小写十六进制');
  return { ...fields, size: BigInt(fields.size), root: fromHex(fields.root) };
}

function pemBody(pem) {
  const m = /-----BEGIN PUBLIC KEY-----([\s\S]+?)-----END PUBLIC KEY-----/.exec(pem);
  if (!m) throw new Error('公钥须为 PEM 格式的 PUBLIC KEY');
  return fromBase64(m[1].replace(/\s+/g, ''));
}
/** A key's id as the ledger names it: the first 16 hex digits of SHA-256 over its DER encoding. */
async function keyId(der) { return hex(await sha256(der)).slice(0, 16); }

/** ECDSA signatures are stored as DER (SEQUENCE of r and s); WebCrypto takes r ‖ s, 32 bytes each. */
function derToRaw(der) {
  let at = 0;
  const take = () => { if (at >= der.length) throw new Error('签名不是 DER'); return der[at++]; };
  if (take() !== 0x30) throw new Error('签名不是 DER SEQUENCE');
  let length = take();
  if (length & 0x80) { const n = length & 0x7f; length = 0; for (let i = 0; i < n; i++) length = (length << 8) | take(); }
  const integer = () => {
    if (take() !== 0x02) throw new Error('签名不是两个 INTEGER');
    const n = take();
    let value = der.slice(at, at + n); at += n;
    while (value.length > 32 && value[0] === 0) value = value.slice(1);
    if (value.length > 32) throw new Error('签名的整数超过 32 字节');
    return concat(new Uint8Array(32 - value.length), value);
  };
  const r = integer(), s = integer();
  if (at !== der.length) throw new Error('签名末尾有多余字节');
  return concat(r, s);
}

/** Every check of the dossier against the trusted key: [{ ok, text }], in order; the first failures name the event. */
async function verify(dossier, trustedPem) {
  const checks = [];
  const pass = text => checks.push({ ok: true, text });
  const fail = text => checks.push({ ok: false, text });
  if (dossier.format !== FORMAT) { fail(`format: '${dossier.format}' 不是 ${FORMAT}`); return checks; }
  const streamId = dossier.stream_id;

  let checkpoint = null;
  try { checkpoint = parseNote(dossier.checkpoint.note); } catch (e) { fail(`检查点：${e.message}`); }
  if (checkpoint) {
    if (checkpoint['tree-hash'] !== 'sha-256' || checkpoint.signature !== 'ecdsa-p256-sha256') {
      fail(`检查点使用 ${checkpoint['tree-hash']} / ${checkpoint.signature}（国密 SM2/SM3）：浏览器不支持，请用 ledger verify-dossier ${streamId}.json --trusted-key 公钥文件 核验`);
      return checks;
    }
    try {
      const der = pemBody(trustedPem);
      const trustedId = await keyId(der);
      const dossierId = await keyId(pemBody(dossier.public_key));
      if (checkpoint.key !== trustedId) fail(`检查点由密钥 ${checkpoint.key} 签名，不是您信任的密钥 ${trustedId}`);
      else {
        const key = await crypto.subtle.importKey('spki', der, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
        const signed = await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, derToRaw(fromBase64(dossier.checkpoint.signature)), utf8.encode(dossier.checkpoint.note));
        if (signed) pass(`检查点签名有效：密钥 ${trustedId}（您提供的公钥${dossierId === trustedId ? '，与案卷所附公钥相同' : '；案卷所附公钥 ' + dossierId + ' 未被采用'}），日志 ${checkpoint.origin}，大小 ${checkpoint.size}，签于 ${checkpoint.time}`);
        else fail(`检查点签名无效：密钥 ${trustedId} 未签署此检查点（检查点被改动或伪造）`);
      }
    } catch (e) { fail(`公钥或签名：${e.message}`); }
  }

  if (!Array.isArray(dossier.events) || dossier.events.length === 0) { fail('案卷中没有事件'); return checks; }
  let previous = new Uint8Array(32);
  let chained = 0, included = 0;
  for (const [i, e] of dossier.events.entries()) {
    const at = `第 ${i + 1} 个事件（版本 ${e.version}，位置 ${e.position}，${e.type}）`;
    let stored, storedPrevious;
    try { stored = fromHex(e.hash); storedPrevious = fromHex(e.previous_hash); } catch { fail(`${at}：hash 与 previous_hash 须为十六进制`); continue; }
    let ok = true;
    if (e.version !== i + 1) { fail(`${at}：版本应为 ${i + 1}（案卷须自版本 1 起连续，不得缺失）`); ok = false; }
    if (!same(storedPrevious, previous)) { fail(`${at}：previous_hash 未接上前一事件的哈希（有事件被删除或调换）`); ok = false; }
    try {
      if (!same(await eventHash(storedPrevious, streamId, e), stored)) { fail(`${at}：按内容重新计算的哈希与记录的哈希不一致（类型、记录时间、数据或元数据被改动）`); ok = false; }
    } catch (error) { fail(`${at}：${error.message}`); ok = false; }
    if (ok) chained++;
    previous = stored;
    if (!checkpoint) continue;
    try {
      const proof = e.inclusion_proof.map(fromHex);
      const leaf = await leafHash(e.position, streamId, e.version, stored);
      if (await verifyInclusion(BigInt(e.leaf_index), checkpoint.size, leaf, proof, checkpoint.root)) included++;
      else fail(`${at}：叶子 ${e.leaf_index} 不在已签名的大小为 ${checkpoint.size} 的树中（包含证明不成立）`);
    } catch (error) { fail(`${at}：包含证明 ${error.message}`); }
  }
  if (chained === dossier.events.length) pass(`哈希链完整：${chained} 个事件自版本 1 起逐一相接，哈希均与内容一致`);
  if (checkpoint && included === dossier.events.length) pass(`${included} 个事件均包含在已签名的检查点中`);
  return checks;
}

async function readFile(input) { return input.files?.[0] ? input.files[0].text() : null; }

async function main() {
  const status = document.getElementById('status');
  const fetchForm = document.getElementById('fetch');
  const url = new URLSearchParams(location.search);
  fetchForm.elements.namedItem('id').value = url.get('id') ?? '';
  try { await signedIn(); } catch (error) { showFailure(status, error); return; }
  fetchForm.addEventListener('submit', async event => {
    event.preventDefault();
    const id = String(new FormData(fetchForm).get('id')).trim();
    const purpose = String(new FormData(fetchForm).get('purpose')).trim();
    try {
      const dossier = await getJson(`/cases/${encodeURIComponent(id)}/dossier${purpose ? `?purpose=${encodeURIComponent(purpose)}` : ''}`);
      const link = document.getElementById('download');
      link.href = URL.createObjectURL(new Blob([JSON.stringify(dossier, null, 2)], { type: 'application/json' }));
      link.download = `dossier-${id}.json`;
      link.textContent = `保存案卷文件 dossier-${id}.json（${dossier.events.length} 个事件）`;
      link.hidden = false;
      status.className = 'status';
      status.textContent = '案卷已取得。保存后在下方选择该文件核验：核验只用文件本身和您提供的公钥。';
    } catch (error) { showFailure(status, error); }
  });
  document.getElementById('check').addEventListener('submit', async event => {
    event.preventDefault();
    const verdict = document.getElementById('verdict');
    const list = document.getElementById('checks');
    list.replaceChildren();
    verdict.removeAttribute('data-ok');
    try {
      const text = await readFile(document.getElementById('dossier-file'));
      if (!text) throw new Error('请选择案卷文件');
      const pem = (await readFile(document.getElementById('public-key-file'))) ?? document.getElementById('public-key').value;
      if (!pem.trim()) throw new Error('请提供您信任的公钥（例如 ledger log checkpoint 旁的 checkpoint.pub，或上级机关公布的公钥）');
      let dossier;
      try { dossier = JSON.parse(text); } catch (e) { throw new Error(`案卷不是 JSON：${e.message}`); }
      const checks = await verify(dossier, pem);
      list.replaceChildren(...checks.map(c => el('li', { 'data-ok': String(c.ok), class: c.ok ? null : 'error' }, `${c.ok ? '✓' : '✗'} ${c.text}`)));
      const ok = checks.length > 0 && checks.every(c => c.ok);
      verdict.dataset.ok = String(ok);
      verdict.className = ok ? 'basis' : 'basis error';
      verdict.textContent = ok ? `核验通过：案件 ${dossier.stream_id} 的案卷未被改动。` : `核验不通过：${checks.filter(c => !c.ok).length} 项不符（见下）。`;
    } catch (error) {
      verdict.dataset.ok = 'false';
      verdict.className = 'basis error';
      verdict.textContent = `无法核验：${error.message}`;
    }
  });
}

main();
