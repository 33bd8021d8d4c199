// What every page shares: exact money, the API with the session cookie, DOM building, the header.
// --- exact money -------------------------------------------------------------------------------------------------
/** "7905700.00" → 790570000n fen; anything else is a defect of the API and stops the page. */
export function fen(yuan) {
  const m = /^(-?)(\d+)\.(\d{2})$/.exec(yuan);
  if (!m) throw new Error(`not an amount in yuan: ${yuan}`);
  const v = BigInt(m[2]) * 100n + BigInt(m[3]);
  return m[1] ? -v : v;
}
/** 万元 with two decimals, rounded half up: 1 万元 = 1,000,000 fen, so 0.01 万元 = 10,000 fen. */
export function wan(yuan) {
  let v = fen(yuan);
  const negative = v < 0n;
  if (negative) v = -v;
  const hundredths = (v + 5000n) / 10000n;
  return `${negative ? '-' : ''}${hundredths / 100n}.${(hundredths % 100n).toString().padStart(2, '0')}`;
}
export function grouped(digits) { return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ','); }
export function yuanText(yuan) {
  const negative = yuan.startsWith('-');
  const [whole, cents] = yuan.replace('-', '').split('.');
  return `${negative ? '-' : ''}${grouped(whole)}.${cents} 元`;
}
/** Change from b to a in per cent with one decimal, exact (BigInt), or '—' when there is nothing to compare with. */
export function change(a, b) {
  a = BigInt(a); b = BigInt(b);
  if (b === 0n) return { text: '—', up: false };
  const permille = ((a - b) * 2000n / b + ((a - b) >= 0n ? 1n : -1n)) / 2n; // rounded half away from zero
  const sign = permille > 0n ? '+' : permille < 0n ? '-' : '';
  const abs = permille < 0n ? -permille : permille;
  return { text: `${sign}${abs / 10n}.${abs % 10n}%`, up: permille > 0n };
}

// --- the API ---------------------------------------------------------------------------------------------------------
export class ApiError extends Error {
  constructor(status, problem) {
    const rules = problem?.errors ? Object.entries(problem.errors).map(([field, list]) => `${field}: ${list.join('; ')}`) : [];
    super(rules.length ? rules.join('；') : (problem?.detail ?? problem?.title ?? `HTTP ${status}`));
    this.status = status;
  }
}
export async function getJson(path) {
  const response = await fetch(path, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
  if (response.status === 401) { location.assign(`/ui/sign-in?return=${encodeURIComponent(location.pathname + location.search)}`); throw new ApiError(401, null); }
  const body = await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, body);
  return body;
}
// --- hashing -------------------------------------------------------------------------------------------------------
export function hex(bytes) { return [...bytes].map(b => b.toString(16).padStart(2, '0')).join(''); }
export async function sha256(bytes) { return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)); }

// --- the DOM ---------------------------------------------------------------------------------------------------------
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) if (value !== undefined && value !== null) node.setAttribute(name, value);
  for (const child of children) node.append(child);
  return node;
}
/** Beijing time of an instant from the API ("2025-02-19T03:58:59Z" → "2025-02-19 11:58:59"). */
export function beijing(instant) {
  if (!instant) return '';
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).formatToParts(new Date(instant));
  const p = Object.fromEntries(parts.map(x => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}

/** The kinds of case (CaseKind), as the statistics name them. */
export const KINDS = {
  trademark_infringement: '商标侵权假冒', geographical_indication: '地理标志', official_or_special_mark: '官方标志、特殊标志',
  trademark_agency: '商标代理违法', other_trademark: '其他商标违法', patent_counterfeiting: '假冒专利', patent_agency: '专利代理违法',
  other_patent: '其他专利违法', patent_infringement_dispute: '专利侵权纠纷',
};

/** Fills every <select data-kinds> of the page with "全部" and the kinds; call before setting the form's values. */
export function fillKindSelects() {
  for (const select of document.querySelectorAll('select[data-kinds]'))
    select.replaceChildren(el('option', { value: '' }, '全部'), ...Object.entries(KINDS).map(([value, text]) => el('option', { value }, text)));
}

/** A case's status as the people who work it say it. */
export const STATUS = { lead: '线索', not_filed: '不予立案', lead_transferred: '线索已移送', investigating: '调查中', suspended: '中止', decided: '已决定', closed: '已结案' };

const ROLE_NAMES = { recorder: '办案人员', reviewer: '法制审核人员', approver: '负责人', auditor: '审计人员', official: '领导', publisher: '发布人员' };
const PAGES = [
  { href: '/ui/cockpit', label: '驾驶舱', roles: ['official', 'auditor'] },
  { href: '/ui/figures', label: '已发布数字', roles: ['official', 'auditor'] },
  { href: '/ui/cases', label: '案件', roles: ['recorder', 'reviewer', 'approver', 'auditor', 'official'] },
  { href: '/ui/verify', label: '案卷核验', roles: ['auditor'] },
  { href: '/ui/publications', label: '典型案例', roles: ['publisher', 'approver', 'official', 'auditor'] },
];

/** Who is signed in (GET /ui/session), shown in the header with the pages this role may open. */
export async function signedIn() {
  const session = await getJson('/ui/session');
  document.getElementById('who').textContent =
    `${session.name}（${ROLE_NAMES[session.role] ?? session.role}，${session.scope === 'national' ? '全国' : session.scope}）`;
  const nav = document.getElementById('pages');
  if (nav) nav.replaceChildren(...PAGES.filter(p => p.roles.includes(session.role)).map(p =>
    el('a', { href: p.href, 'aria-current': location.pathname === p.href ? 'page' : null }, p.label)));
  return session;
}

/** Shows a failure in the status line; an expired session has already been sent to sign in. */
export function showFailure(status, error) {
  if (error instanceof ApiError && error.status === 401) return;
  status.className = 'status error';
  status.setAttribute('role', 'alert');
  status.textContent = error instanceof ApiError ? `无法查询（${error.status}）：${error.message}` : `页面出错：${error.message}`;
}
