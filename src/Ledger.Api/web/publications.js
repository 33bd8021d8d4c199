// 典型案例发布: a region's annual typical-case selection (GET /typical/{region}/{year}): every edition exactly as
// published, each document's bytes fetched and hashed here (WebCrypto SHA-256) against the hash recorded when it was
// published, the withdrawals and corrections, and the cases as they now stand.
import { el, getJson, hex, sha256, showFailure, signedIn } from './common.js';

const FORMATS = { html: '网页（HTML）', markdown: 'Markdown', json: 'JSON' };

/** Fetches a published document and compares its SHA-256 with the recorded one; the cell says which. */
async function checkDocument(cell, url, recorded) {
  const response = await fetch(url, { credentials: 'same-origin' });
  if (!response.ok) { cell.textContent = `无法取得（${response.status}）`; cell.dataset.verified = 'false'; return; }
  const actual = hex(await sha256(await response.arrayBuffer()));
  const ok = actual === recorded;
  cell.dataset.verified = String(ok);
  cell.className = ok ? null : 'up';
  cell.textContent = ok ? '✓ 与记录的哈希一致' : `✗ 不一致：实际 ${actual}`;
}

async function main() {
  const status = document.getElementById('status');
  const form = document.getElementById('choose');
  const url = new URLSearchParams(location.search);
  try {
    const session = await signedIn();
    const region = url.get('region') ?? '';
    const year = url.get('year') ?? '';
    // Proposed, not asked: a region's list of a year exists only once its publisher has opened it.
    form.elements.namedItem('region').value = region || (session.scope === 'national' ? '' : session.scope);
    form.elements.namedItem('year').value = year || String(new Date().getFullYear() - 1);
    form.addEventListener('submit', event => {
      event.preventDefault();
      const data = new FormData(form);
      location.assign(`/ui/publications?${new URLSearchParams({ region: String(data.get('region')).trim(), year: String(data.get('year')).trim() })}`);
    });
    if (!region || !year) { status.textContent = '请输入区域代码和年度，查看该区域该年度的典型案例。'; return; }
    const base = `/typical/${encodeURIComponent(region)}/${encodeURIComponent(year)}`;
    const selection = await getJson(base);
    const checks = [];
    document.getElementById('editions').replaceChildren(
      el('thead', {}, el('tr', {}, ...['版本', '发布日期', '发布人', '审批', '案例数', '文件', 'SHA-256（发布时记录）', '字节核对'].map(t => el('th', { scope: 'col', class: 'text' }, t)))),
      el('tbody', {}, ...selection.editions.flatMap(e => e.documents.map((d, i) => {
        const link = `${base}/editions/${e.edition}?format=${d.format}`;
        const check = el('td', { class: 'text', 'data-check': `${e.edition}:${d.format}` }, '核对中…');
        checks.push(checkDocument(check, link, d.sha256));
        const first = i === 0;
        return el('tr', { 'data-edition': String(e.edition), 'data-format': d.format },
          el('th', { scope: 'row' }, first ? `第 ${e.edition} 版${e.edition > 1 ? '（更正）' : ''}` : ''),
          el('td', {}, first ? e.published_on : ''), el('td', { class: 'text' }, first ? e.published_by : ''),
          el('td', { class: 'text' }, first ? `${e.approved_by}，${e.approved_on}${e.shortfall_reason ? `；不足十件：${e.shortfall_reason}` : ''}` : ''),
          el('td', {}, first ? String(e.cases.length) : ''),
          el('td', { class: 'text' }, el('a', { href: link, target: '_blank', rel: 'noopener' }, `${FORMATS[d.format] ?? d.format}，${d.length} 字节`)),
          el('td', { class: 'hash', 'data-sha256': d.sha256 }, d.sha256), check);
      }))));
    document.getElementById('withdrawals').replaceChildren(
      el('thead', {}, el('tr', {}, ...['撤回的案例', '所在版本', '撤回日期', '理由', '撤回人'].map(t => el('th', { scope: 'col', class: 'text' }, t)))),
      el('tbody', {}, ...(selection.withdrawals.length ? selection.withdrawals.map(w => el('tr', { 'data-case': w.case_id },
        el('th', { scope: 'row' }, w.case_id), el('td', {}, `第 ${w.edition} 版`), el('td', {}, w.on), el('td', { class: 'text' }, w.reason), el('td', { class: 'text' }, w.by)))
        : [el('tr', {}, el('td', { colspan: '5', class: 'text' }, '没有撤回'))])));
    document.getElementById('withdrawals-due').replaceChildren(
      el('thead', {}, el('tr', {}, ...['案例', '版本', '处理结果变更日期', '变更', '应撤回日期（3 个工作日）', '撤回日期'].map(t => el('th', { scope: 'col', class: 'text' }, t)))),
      el('tbody', {}, ...selection.withdrawals_due.map(w => el('tr', { 'data-case': w.case_id, class: w.overdue ? 'up' : null },
        el('th', { scope: 'row' }, w.case_id), el('td', {}, `第 ${w.edition} 版`), el('td', {}, w.changed_on), el('td', { class: 'text' }, w.change),
        el('td', {}, w.due_on), el('td', {}, w.withdrawn_on ?? (w.overdue ? '已逾期未撤回' : '未撤回'))))));
    document.getElementById('state').textContent = `${selection.selection}，版本 ${selection.version}`;
    document.getElementById('cases').replaceChildren(...selection.cases.map(c => el('li', { 'data-case': c.case_id },
      el('strong', {}, c.text?.title ?? c.case_id), ` — ${c.case_id}，结案 ${c.closed_on ?? '未结案'}`)));
    document.getElementById('selection').hidden = false;
    status.textContent = '';
    await Promise.all(checks);
  } catch (error) {
    showFailure(status, error);
  }
}

main();
