// 案件详情: one case now, after a version or as of an instant (GET /cases/{id}), its deadlines, its timeline
// (GET /cases/{id}/history, for the roles that read histories) and the difference between two versions (two reads of
// GET /cases/{id}?version=N compared here). Every read goes to the read log with the purpose given on the page.
import { STATUS, beijing, el, getJson, showFailure, signedIn } from './common.js';

const HISTORY_READERS = ['recorder', 'reviewer', 'approver', 'auditor'];
const LABELS = {
  status: '状态', procedure: '程序', region: '区域', kind: '案件类型', party: '当事人', requester: '请求人', right: '权利',
  flags: '标记', campaigns: '专项行动', legal_bases: '法律依据', source: '线索来源', lead_on: '线索登记日期', violation_on: '违法行为发生日期',
  filed_on: '立案日期', handlers: '执法人员', evidence_count: '证据数', goods: '涉案物品及措施', case_value: '案值（元）',
  decision: '处理决定', served_on: '送达日期', payments: '缴款', reviews: '复议诉讼', closed_on: '结案日期', closing_ground: '结案理由',
  amount_imposed: '罚没金额（元）', amount_paid: '已缴（元）', amount_outstanding: '未缴（元）', notice: '告知', legal_review: '法制审核',
  version: '版本', filing_period_extended: '立案期限已延长', lead_decided_on: '线索处理日期', decision_period_extended: '办案期限已延长',
  excluded_periods: '不计入期限的期间', turnover: '违法经营额', goods_value: '货值', illegal_gains: '违法所得',
  innocent_seller_supplier: '善意销售者的供货方', referred_leads: '移送的关联线索', joint_regions: '联合办案区域',
  defence_stated: '已陈述申辩', hearing_pending_since: '听证申请日期', hearing_held_on: '听证日期', earlier_decisions: '原处理决定',
  deferred_due_on: '延期缴纳至', instalments: '分期缴纳', answered_on: '答辩日期', oral_hearing_on: '口头审理日期',
  mediated_damages: '调解赔偿额', confirmed_by: '司法确认', review_pending: '复议诉讼未决', awaiting_new_decision: '待重新作出决定',
  voided_versions: '已作废的步骤（版本）',
};
const DEADLINE_STATUS = { met: '按期完成', met_late: '逾期完成', overdue: '已逾期', pending: '未到期' };

/** The state as path → text, nested objects by dots, lists by index; what the facts list and the diff show. */
function flatten(value, path = '', into = new Map()) {
  if (value === null || value === undefined) { if (path) into.set(path, ''); return into; }
  if (Array.isArray(value)) {
    if (value.every(v => v === null || typeof v !== 'object')) into.set(path, value.join('、'));
    else value.forEach((v, i) => flatten(v, `${path}[${i}]`, into));
    return into;
  }
  if (typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) flatten(v, path ? `${path}.${key}` : key, into);
    return into;
  }
  into.set(path, String(value));
  return into;
}
function label(path) {
  const top = path.split(/[.[]/)[0];
  return LABELS[top] ? `${LABELS[top]}${path.slice(top.length)}` : path;
}

function address(params) {
  const q = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value) q.set(name, value);
  return `/ui/case?${q}`;
}

async function main() {
  const status = document.getElementById('status');
  const url = new URLSearchParams(location.search);
  const id = url.get('id') ?? '';
  const version = url.get('version') ?? '';
  const asOf = url.get('asOf') ?? '';
  const purpose = url.get('purpose') ?? '';
  const form = document.getElementById('view');
  form.elements.namedItem('id').value = id;
  form.elements.namedItem('mode').value = version ? 'version' : asOf ? 'asOf' : 'now';
  form.elements.namedItem('version').value = version;
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})(:\d{2})?\+08:00$/.exec(asOf);
  form.elements.namedItem('asOf').value = m ? m[1] : '';
  form.elements.namedItem('purpose').value = purpose;
  form.addEventListener('submit', event => {
    event.preventDefault();
    const data = new FormData(form);
    const mode = data.get('mode');
    location.assign(address({
      id, purpose: String(data.get('purpose') ?? '').trim(),
      version: mode === 'version' ? String(data.get('version')) : '',
      asOf: mode === 'asOf' && data.get('asOf') ? `${data.get('asOf')}+08:00` : '',
    }));
  });
  const withPurpose = q => { if (purpose) q.set('purpose', purpose); return q; };
  const caseUrl = extra => `/cases/${encodeURIComponent(id)}?${withPurpose(new URLSearchParams(extra))}`;
  try {
    const session = await signedIn();
    if (!id) throw new Error('地址中没有案件编号（id）');
    const view = await getJson(caseUrl(version ? { version } : asOf ? { as_of: asOf } : {}));
    document.title = `${id} · 案件详情`;
    document.getElementById('seen').textContent =
      `${id}，版本 ${view.version}${view.as_of ? `，截至 ${view.as_of}` : version ? '' : '（当前）'}`;
    const facts = flatten(view.state);
    document.getElementById('facts').replaceChildren(...[...facts].filter(([, v]) => v !== '').flatMap(([path, value]) => [
      el('dt', {}, label(path)), el('dd', { 'data-path': path }, path === 'status' ? `${STATUS[value] ?? value}（${value}）` : value)]));
    document.getElementById('deadlines-as-of').textContent = `按 ${view.deadlines_as_of} 计`;
    document.getElementById('deadlines').replaceChildren(
      el('thead', {}, el('tr', {}, ...['期限', '依据', '届满日', '完成日', '状况'].map(t => el('th', { scope: 'col', class: 'text' }, t)))),
      el('tbody', {}, ...view.deadlines.deadlines.map(d => el('tr', { 'data-deadline': d.name },
        el('th', { scope: 'row' }, d.name), el('td', { class: 'text' }, d.rule), el('td', {}, d.due_on ?? ''), el('td', {}, d.met_on ?? ''),
        el('td', { class: d.status === 'overdue' || d.status === 'met_late' ? 'up' : null, 'data-status': d.status }, DEADLINE_STATUS[d.status] ?? d.status)))));

    const diffForm = document.getElementById('diff-form');
    diffForm.elements.namedItem('from').value = url.get('from') ?? (view.version > 1 ? String(view.version - 1) : '1');
    diffForm.elements.namedItem('to').value = url.get('to') ?? String(view.version);
    diffForm.elements.namedItem('from').max = diffForm.elements.namedItem('to').max = String(view.version);
    diffForm.addEventListener('submit', event => { event.preventDefault(); showDiff().catch(error => showFailure(status, error)); });
    async function showDiff() {
      const from = diffForm.elements.namedItem('from').value, to = diffForm.elements.namedItem('to').value;
      const [a, b] = await Promise.all([getJson(caseUrl({ version: from })), getJson(caseUrl({ version: to }))]);
      const before = flatten(a.state), after = flatten(b.state);
      const paths = [...new Set([...before.keys(), ...after.keys()])].filter(p => (before.get(p) ?? '') !== (after.get(p) ?? ''));
      document.getElementById('diff').replaceChildren(
        el('thead', {}, el('tr', {}, ...['事项', `版本 ${from}`, `版本 ${to}`].map(t => el('th', { scope: 'col', class: 'text' }, t)))),
        el('tbody', {}, ...(paths.length ? paths.map(p => el('tr', { 'data-path': p }, el('th', { scope: 'row' }, label(p)),
          el('td', { class: 'text' }, before.get(p) ?? ''), el('td', { class: 'text' }, after.get(p) ?? '')))
          : [el('tr', {}, el('td', { colspan: '3', class: 'text' }, '两个版本之间没有变化'))])));
    }

    const note = document.getElementById('timeline-note');
    if (HISTORY_READERS.includes(session.role)) {
      const history = await getJson(`/cases/${encodeURIComponent(id)}/history?${withPurpose(new URLSearchParams())}`);
      document.getElementById('timeline').replaceChildren(
        el('thead', {}, el('tr', {}, ...['版本', '生效日期', '记录时间（北京时间）', '记录人', '事件', '摘要', '哈希', ''].map(t => el('th', { scope: 'col', class: 'text' }, t)))),
        el('tbody', {}, ...history.events.map(e => el('tr', {
            'data-version': String(e.version),
            class: [String(e.version) === String(view.version) ? 'current' : '', e.voided_by ? 'voided' : ''].join(' ').trim() || null,
          },
          el('th', { scope: 'row' }, String(e.version)), el('td', {}, e.effective_on ?? ''),
          el('td', { 'data-recorded-at': e.recorded_at }, beijing(e.recorded_at)), el('td', { class: 'text' }, e.actor),
          el('td', { class: 'text', 'data-type': e.type }, e.type),
          // A voided step stays in the timeline, struck through, with the version that voided it.
          el('td', { class: 'text summary' }, e.summary, ...(e.voided_by ? [el('span', { class: 'voided-by' }, `（已由第 ${e.voided_by} 版作废）`)] : [])),
          el('td', { class: 'hash', title: e.hash }, e.hash.slice(0, 12)),
          el('td', {}, el('a', { href: address({ id, purpose, version: String(e.version) }) }, '此版本'))))));
    } else {
      note.hidden = false;
      note.textContent = '时间线（谁在何时记录了什么）供办案、审核、审批和审计人员查阅。';
    }
    if (session.role === 'auditor')
      document.getElementById('seen').append(' ', el('a', { href: `/ui/verify?id=${encodeURIComponent(id)}`, id: 'verify-link' }, '下载并核验案卷'));
    document.getElementById('case').hidden = false;
    status.textContent = '';
    if (url.get('from') && url.get('to')) await showDiff();
  } catch (error) {
    showFailure(status, error);
  }
}

main();
