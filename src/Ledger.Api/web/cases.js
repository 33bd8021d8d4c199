// 案件: GET /cases with the filters in the address bar (every listing is recorded in the read log, with the purpose
// given here); each case links to its page.
import { el, fillKindSelects, getJson, KINDS, showFailure, signedIn, STATUS, wan, yuanText } from './common.js';

const FILTERS = ['region', 'status', 'kind', 'campaign', 'flag', 'filed_from', 'filed_to', 'overdue', 'purpose', 'offset'];
const PAGE_SIZE = 50;

function address(filters) {
  const q = new URLSearchParams();
  for (const name of FILTERS) if (filters[name]) q.set(name, filters[name]);
  return `/ui/cases?${q}`;
}

function money(cell) {
  return el('td', { 'data-yuan': cell, title: cell ? yuanText(cell) : null }, cell ? wan(cell) : '');
}

async function main() {
  const status = document.getElementById('status');
  const form = document.getElementById('filters');
  const url = new URLSearchParams(location.search);
  fillKindSelects();
  const filters = Object.fromEntries(FILTERS.map(name => [name, url.get(name) ?? '']));
  for (const name of FILTERS) { const input = form.elements.namedItem(name); if (input) input.value = filters[name]; }
  form.addEventListener('submit', event => {
    event.preventDefault();
    const next = Object.fromEntries(FILTERS.map(name => [name, String(new FormData(form).get(name) ?? '').trim()]));
    next.offset = '';
    location.assign(address(next));
  });
  try {
    await signedIn();
    const q = new URLSearchParams({ limit: String(PAGE_SIZE) });
    for (const name of FILTERS) if (filters[name]) q.set(name, filters[name]);
    const list = await getJson(`/cases?${q}`);
    const offset = list.offset;
    document.getElementById('count').textContent = list.total === 0 ? '没有符合条件的案件'
      : `共 ${list.total} 件，第 ${offset + 1}–${offset + list.cases.length} 件`;
    const previous = document.getElementById('previous');
    const next = document.getElementById('next');
    previous.hidden = offset === 0;
    previous.href = address({ ...filters, offset: String(Math.max(0, offset - PAGE_SIZE)) || '' });
    next.hidden = offset + list.cases.length >= list.total;
    next.href = address({ ...filters, offset: String(offset + PAGE_SIZE) });
    const purpose = filters.purpose ? `&purpose=${encodeURIComponent(filters.purpose)}` : '';
    document.getElementById('cases-table').replaceChildren(
      el('thead', {}, el('tr', {}, ...['案件编号', '状态', '类型', '区域', '当事人', '立案日期', '决定日期', '结案日期', '案值（万元）', '罚款（万元）', '没收（万元）', '下一期限', '']
        .map(t => el('th', { scope: 'col' }, t)))),
      el('tbody', {}, ...list.cases.map(c => el('tr', { 'data-case': c.case_id },
        el('th', { scope: 'row' }, el('a', { href: `/ui/case?id=${encodeURIComponent(c.case_id)}${purpose}` }, c.case_id)),
        el('td', { class: 'text', 'data-status': c.status }, STATUS[c.status] ?? c.status),
        el('td', { class: 'text', 'data-kind': c.kind }, KINDS[c.kind] ?? c.kind), el('td', { class: 'text', 'data-region': c.region }, c.region_name ?? c.region), el('td', { class: 'text' }, c.party_name ?? ''),
        el('td', {}, c.filed_on ?? ''), el('td', {}, c.decided_on ?? ''), el('td', {}, c.closed_on ?? ''),
        money(c.case_value), money(c.fines), money(c.confiscations),
        el('td', {}, c.next_due_name ? `${c.next_due_name} ${c.next_due_on}` : ''),
        el('td', { class: c.overdue ? 'up' : null }, c.overdue ? '逾期' : '')))));
    document.getElementById('list').hidden = false;
    status.textContent = '';
  } catch (error) {
    showFailure(status, error);
  }
}

main();
