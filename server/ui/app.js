/*
 * rfjobd web page: log in, watch and drive jobs, submit job documents. Plain JavaScript with no
 * dependencies. Every data request is a Redfish request carrying the session token, which lives
 * only in this script's memory (never in storage or a cookie). Live updates come from the
 * EventService SSE stream, read with fetch() because EventSource cannot send X-Auth-Token; when
 * the stream is unavailable the page polls until it comes back.
 */
'use strict';

(function () {
    const API = '/redfish/v1';
    const JOBS = API + '/JobService/Jobs';
    const DOCS = API + '/JobService/Documents';
    const SSE = API + '/EventService/SSE';
    const POLL_MS = 2000;

    /* Session: in memory only. */
    let token = null;
    let sessionUri = null;
    let userName = '';

    /* The jobs table: the page shown and its rows by job id. */
    const table = { top: 20, skip: 0, state: '', name: '', total: 0, rows: new Map(), ids: [] };
    let loadSeq = 0;
    let openJobId = null;
    let docs = [];

    /* Live updates. */
    const live = { ctl: null, lastId: null, backoff: 1000, retry: null, poll: null, up: false };

    const $ = (id) => document.getElementById(id);

    function el(tag, attrs, ...kids) {
        const e = document.createElement(tag);
        if (attrs) {
            for (const [k, v] of Object.entries(attrs)) {
                if (v === null || v === undefined || v === false) continue;
                if (k === 'text') e.textContent = v;
                else if (k === 'class') e.className = v;
                else if (k === 'on') {
                    for (const [ev, fn] of Object.entries(v)) e.addEventListener(ev, fn);
                } else e.setAttribute(k, v === true ? '' : String(v));
            }
        }
        for (const k of kids) {
            if (k === null || k === undefined) continue;
            e.append(typeof k === 'string' ? document.createTextNode(k) : k);
        }
        return e;
    }

    function say(text) {
        $('status').textContent = text;
    }

    function liveText(text) {
        $('live').textContent = text;
    }

    /* The service's own words for an error body: every ExtendedInfo Message, else the message. */
    function errorText(json, status) {
        const err = json && json.error;
        if (err) {
            const info = err['@Message.ExtendedInfo'];
            if (Array.isArray(info) && info.length > 0) {
                return info.map((m) => m.Message).filter(Boolean).join(' ');
            }
            if (err.message) return err.message;
        }
        return 'The service answered ' + status + '.';
    }

    function errorIds(json) {
        const info = json && json.error && json.error['@Message.ExtendedInfo'];
        return Array.isArray(info) ? info : [];
    }

    class ApiError extends Error {
        constructor(status, json) {
            super(errorText(json, status));
            this.status = status;
            this.json = json;
        }
    }

    /* One Redfish request. Resolves to {status, json, headers}; rejects with ApiError for a
     * status of 400 or more. A 401 ends the session and shows the login form. */
    async function api(method, path, body) {
        const headers = { Accept: 'application/json' };
        if (token) headers['X-Auth-Token'] = token;
        const init = { method, headers, cache: 'no-store', credentials: 'omit' };
        if (body !== undefined) {
            headers['Content-Type'] = 'application/json';
            init.body = JSON.stringify(body);
        }
        const r = await fetch(path, init);
        let json = null;
        const text = await r.text();
        if (text) {
            try {
                json = JSON.parse(text);
            } catch (e) {
                json = null;
            }
        }
        if (r.status === 401 && token) {
            sessionEnded('Your session has ended. Log in again.');
        }
        if (r.status >= 400) throw new ApiError(r.status, json);
        return { status: r.status, json, headers: r.headers };
    }

    /* ---- session ------------------------------------------------------------------------- */

    function sessionEnded(why) {
        token = null;
        sessionUri = null;
        stopLive();
        show('login');
        $('login-error').textContent = why || '';
    }

    async function login(ev) {
        ev.preventDefault();
        const user = $('login-user').value;
        const pass = $('login-pass').value;
        $('login-error').textContent = '';
        if (!user || !pass) {
            $('login-error').textContent = 'Enter a user name and a password.';
            return;
        }
        $('login-button').disabled = true;
        try {
            const r = await fetch(API + '/SessionService/Sessions', {
                method: 'POST',
                headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
                body: JSON.stringify({ UserName: user, Password: pass }),
                cache: 'no-store',
                credentials: 'omit',
            });
            const text = await r.text();
            let json = null;
            try {
                json = text ? JSON.parse(text) : null;
            } catch (e) {
                json = null;
            }
            if (r.status !== 201 && r.status !== 200) {
                $('login-error').textContent = errorText(json, r.status);
                return;
            }
            token = r.headers.get('X-Auth-Token');
            sessionUri = r.headers.get('Location') || (json && json['@odata.id']);
            userName = user;
            $('login-pass').value = '';
            await afterLogin();
        } catch (e) {
            $('login-error').textContent = e.message;
        } finally {
            $('login-button').disabled = false;
        }
    }

    /* Checks the session can read jobs; a password that must change first is reported with the
     * service's message and a form to change it. */
    async function afterLogin() {
        try {
            await api('GET', API + '/JobService');
        } catch (e) {
            const pw = errorIds(e.json).find((m) => /PasswordChangeRequired$/.test(m.MessageId || ''));
            if (e.status === 403 && pw) {
                $('pwchange-why').textContent = e.message;
                $('pwchange-form').dataset.account = (pw.MessageArgs && pw.MessageArgs[0]) ||
                    API + '/AccountService/Accounts/' + encodeURIComponent(userName);
                $('pwchange-form').hidden = false;
                $('login-error').textContent = e.message;
                $('pwchange-new').focus();
                return;
            }
            if (token) $('login-error').textContent = e.message;
            return;
        }
        $('pwchange-form').hidden = true;
        $('whoami').textContent = 'Logged in as ' + userName;
        $('nav').hidden = false;
        say('Logged in as ' + userName + '.');
        startLive();
        if (!location.hash || location.hash === '#' || location.hash === '#/login') {
            location.hash = '#/jobs';
        } else {
            route();
        }
    }

    async function changePassword(ev) {
        ev.preventDefault();
        const uri = $('pwchange-form').dataset.account;
        $('pwchange-error').textContent = '';
        try {
            await api('PATCH', uri, { Password: $('pwchange-new').value });
            $('pwchange-new').value = '';
            $('login-error').textContent = '';
            await afterLogin();
        } catch (e) {
            $('pwchange-error').textContent = e.message;
        }
    }

    async function logout() {
        const uri = sessionUri;
        stopLive();
        try {
            if (uri) await api('DELETE', uri);
        } catch (e) {
            /* The session may already be gone; the page forgets it either way. */
        }
        token = null;
        sessionUri = null;
        table.rows.clear();
        $('jobs-body').replaceChildren();
        $('nav').hidden = true;
        location.hash = '#/login';
        show('login');
        say('Logged out.');
        $('login-user').focus();
    }

    /* ---- views and routing --------------------------------------------------------------- */

    function show(name) {
        for (const v of ['login', 'jobs', 'job', 'submit']) {
            $('view-' + v).hidden = v !== name;
        }
        if (name === 'login') $('nav').hidden = true;
    }

    function route() {
        if (!token) {
            show('login');
            return;
        }
        const h = location.hash.replace(/^#/, '');
        const m = /^\/jobs\/([A-Za-z0-9._-]+)$/.exec(h);
        const s = /^\/submit(?:\/([A-Za-z0-9._-]+))?$/.exec(h);
        if (m) {
            openJobId = m[1];
            show('job');
            loadJob(openJobId, true);
        } else if (s) {
            openJobId = null;
            show('submit');
            loadDocs(s[1]);
        } else {
            openJobId = null;
            show('jobs');
            loadTable();
        }
    }

    /* ---- formatting ---------------------------------------------------------------------- */

    function fmtTime(s) {
        if (!s) return '';
        const d = new Date(s);
        if (isNaN(d.getTime())) return s;
        return d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
    }

    function timeEl(s) {
        if (!s) return el('span', { class: 'muted', text: '—' });
        return el('time', { datetime: s, text: fmtTime(s) });
    }

    function cimView(job) {
        return (job && job.Oem && job.Oem.Rfjobd) || {};
    }

    function percent(job) {
        return typeof job.PercentComplete === 'number' ? job.PercentComplete : 0;
    }

    /* ---- the jobs table ------------------------------------------------------------------ */

    function jobsQuery(extra) {
        const q = ['$expand=.($levels=1)'];
        if (extra) q.push(extra);
        return JOBS + '?' + q.join('&');
    }

    function stateFilter() {
        return table.state ? "JobState eq '" + table.state + "'" : '';
    }

    async function loadTable() {
        const seq = ++loadSeq;
        try {
            let members;
            if (table.name) {
                /* No substring operator in $filter: match names on Id and Name only, then read
                 * the page's jobs by Id. */
                const f = stateFilter();
                const all = await api('GET', JOBS + '?$expand=.($levels=1)&$select=Id,Name' +
                    (f ? '&$filter=' + encodeURIComponent(f) : ''));
                const needle = table.name.toLowerCase();
                const ids = (all.json.Members || [])
                    .filter((j) => (j.Name || '').toLowerCase().includes(needle))
                    .map((j) => j.Id);
                table.total = ids.length;
                const page = ids.slice(table.skip, table.skip + table.top);
                if (page.length === 0) {
                    members = [];
                } else {
                    const idf = '(' + page.map((id) => "Id eq '" + id + "'").join(' or ') + ')';
                    const r = await api('GET', jobsQuery('$filter=' + encodeURIComponent(idf)));
                    members = r.json.Members || [];
                }
            } else {
                const f = stateFilter();
                const r = await api('GET', jobsQuery('$top=' + table.top + '&$skip=' + table.skip +
                    (f ? '&$filter=' + encodeURIComponent(f) : '')));
                members = r.json.Members || [];
                table.total = r.json['Members@odata.count'] || 0;
            }
            if (seq !== loadSeq) return;
            renderTable(members);
        } catch (e) {
            if (seq === loadSeq && token) say('Could not read the jobs: ' + e.message);
        }
    }

    function renderTable(members) {
        const body = $('jobs-body');
        const keep = new Set(members.map((j) => j.Id));
        for (const [id, tr] of table.rows) {
            if (!keep.has(id)) {
                tr.remove();
                table.rows.delete(id);
            }
        }
        let prev = null;
        for (const job of members) {
            let tr = table.rows.get(job.Id);
            if (!tr) {
                tr = makeRow(job);
                table.rows.set(job.Id, tr);
            }
            updateRow(tr, job);
            if (prev ? prev.nextSibling !== tr : body.firstChild !== tr) {
                body.insertBefore(tr, prev ? prev.nextSibling : body.firstChild);
            }
            prev = tr;
        }
        table.ids = members.map((j) => j.Id);
        renderPager();
    }

    function renderPager() {
        const n = table.rows.size;
        const first = n ? table.skip + 1 : 0;
        const last = table.skip + n;
        $('page-info').textContent = n
            ? 'Jobs ' + first + ' to ' + last + ' of ' + table.total
            : 'No jobs on this page (' + table.total + ' in all)';
        $('jobs-caption').textContent = 'Jobs' + (table.state ? ' in state ' + table.state : '') +
            (table.name ? ' named like "' + table.name + '"' : '') + ': ' + table.total;
        $('jobs-empty').hidden = n !== 0;
        $('page-prev').disabled = table.skip === 0;
        $('page-next').disabled = table.skip + table.top >= table.total;
    }

    function makeRow(job) {
        const link = el('a', { href: '#/jobs/' + encodeURIComponent(job.Id), class: 'job-link' });
        const bar = el('progress', { max: '100', value: '0' });
        const pct = el('span', { class: 'pct' });
        const tr = el('tr', { 'data-id': job.Id },
            el('td', { 'data-label': 'Name', class: 'c-name' }, link),
            el('td', { 'data-label': 'State', class: 'c-state' }, el('span', null,
                el('span', { class: 'state-rf' }), el('span', { class: 'state-cim' }))),
            el('td', { 'data-label': 'Health', class: 'c-health' }),
            el('td', { 'data-label': 'Progress', class: 'c-progress' },
                el('span', { class: 'progress' }, bar, pct)),
            el('td', { 'data-label': 'Started', class: 'c-start' }),
            el('td', { 'data-label': 'Ended', class: 'c-end' }),
            el('td', { 'data-label': 'Created by', class: 'c-by' }));
        bar.setAttribute('aria-label', 'Progress of job ' + job.Id);
        return tr;
    }

    function updateRow(tr, job) {
        const cim = cimView(job);
        const q = (c) => tr.querySelector(c);
        q('.job-link').textContent = (job.Name || 'Job') + ' (' + job.Id + ')';
        q('.state-rf').textContent = job.JobState || '';
        q('.state-cim').textContent = cim.JobStateName !== undefined
            ? 'CIM: ' + cim.JobStateName + (cim.JobState !== undefined ? ' (' + cim.JobState + ')' : '')
            : '';
        q('.c-health').textContent = job.JobStatus || '';
        q('progress').value = percent(job);
        q('progress').textContent = percent(job) + '%';
        q('.pct').textContent = percent(job) + '%';
        q('.c-start').replaceChildren(timeEl(job.StartTime));
        q('.c-end').replaceChildren(timeEl(job.EndTime));
        q('.c-by').textContent = job.CreatedBy || '';
        tr.dataset.state = job.JobState || '';
    }

    function rowProgress(id, value) {
        const tr = table.rows.get(id);
        if (!tr) return;
        const bar = tr.querySelector('progress');
        bar.value = value;
        bar.textContent = value + '%';
        tr.querySelector('.pct').textContent = value + '%';
    }

    /* Whether a job belongs on the table's current page as filtered. */
    function jobFits(job) {
        if (table.state && job.JobState !== table.state) return false;
        if (table.name && !(job.Name || '').toLowerCase().includes(table.name.toLowerCase())) {
            return false;
        }
        return true;
    }

    /* Event-driven reloads of the table come in bursts (a job created, validated, started):
     * one reload serves a burst. */
    let reloadTimer = null;
    function scheduleTableReload() {
        if (reloadTimer) return;
        reloadTimer = setTimeout(() => {
            reloadTimer = null;
            if (token && !$('view-jobs').hidden) loadTable();
        }, 150);
    }

    async function refreshJobRow(id) {
        let job;
        try {
            job = (await api('GET', JOBS + '/' + encodeURIComponent(id))).json;
        } catch (e) {
            if (e.status === 404) dropRow(id);
            return;
        }
        const tr = table.rows.get(id);
        if (tr) {
            if (jobFits(job)) updateRow(tr, job);
            else scheduleTableReload();
        } else if (jobFits(job)) {
            /* A job this page may now hold (new, or now in the filtered state): the table reloads
             * for the right order and count. */
            scheduleTableReload();
        }
        if (openJobId === id) renderJob(job);
    }

    function dropRow(id) {
        const tr = table.rows.get(id);
        if (tr) {
            tr.remove();
            table.rows.delete(id);
            table.total = Math.max(0, table.total - 1);
            renderPager();
        }
        if (openJobId === id) {
            $('job-error-text').textContent = 'This job has been removed.';
            $('job-actions').replaceChildren();
        }
    }

    function applyFilter(ev) {
        ev.preventDefault();
        table.state = $('filter-state').value;
        table.name = $('filter-name').value.trim();
        table.top = parseInt($('page-size').value, 10) || 20;
        table.skip = 0;
        loadTable();
    }

    /* ---- one job ------------------------------------------------------------------------- */

    const ACTIONS = [
        ['#Job.Suspend', 'Suspend', false],
        ['#Job.Resume', 'Resume', false],
        ['#Job.Cancel', 'Cancel', true],
        ['#RfjobdJob.KillJob', 'Kill', true],
        ['#Job.ForceStart', 'Force start', false],
        ['#Job.Validate', 'Validate', false],
        ['#Job.Invalidate', 'Invalidate', false],
        ['#Job.Resubmit', 'Resubmit', false],
    ];

    async function loadJob(id, fresh) {
        if (fresh) {
            $('job-title').textContent = 'Job ' + id;
            $('job-error-text').textContent = '';
            $('job-cimerror').replaceChildren();
        }
        try {
            const r = await api('GET', JOBS + '/' + encodeURIComponent(id));
            if (openJobId === id) renderJob(r.json);
        } catch (e) {
            if (openJobId === id) {
                $('job-error-text').textContent = e.message;
                $('job-actions').replaceChildren();
            }
        }
    }

    function renderJob(job) {
        const cim = cimView(job);
        $('job-title').textContent = (job.Name || 'Job') + ' (' + job.Id + ')';
        $('job-state').textContent = (job.JobState || '') +
            (cim.JobStateName ? ' (CIM: ' + cim.JobStateName + ')' : '');
        $('job-health').textContent = job.JobStatus || '';
        $('job-progress').value = percent(job);
        $('job-progress').textContent = percent(job) + '%';
        $('job-percent').textContent = percent(job) + '%';
        renderActions(job);
        renderMessages(job.Messages || []);
        const props = {};
        for (const [k, v] of Object.entries(job)) {
            if (k !== 'Oem' && k !== 'Messages' && k !== 'Actions') props[k] = v;
        }
        $('job-props').replaceChildren(propList(props));
        $('job-cim').replaceChildren(propList(cim));
        loadError(job);
    }

    function renderActions(job) {
        const acts = job.Actions || {};
        const oem = acts.Oem || {};
        const box = $('job-actions');
        const had = document.activeElement && box.contains(document.activeElement)
            ? document.activeElement.dataset.action : null;
        box.replaceChildren();
        for (const [key, label, danger] of ACTIONS) {
            const a = acts[key] || oem[key];
            if (!a || !a.target) continue;
            box.append(el('button', {
                type: 'button',
                class: danger ? 'danger' : null,
                'data-action': label,
                on: { click: () => runAction(job, label, 'POST', a.target, {}) },
            }, label));
        }
        box.append(el('button', {
            type: 'button',
            class: 'danger',
            'data-action': 'Delete',
            on: { click: () => runAction(job, 'Delete', 'DELETE', job['@odata.id']) },
        }, 'Delete'));
        if (had) {
            const b = box.querySelector('[data-action="' + had + '"]');
            if (b) b.focus();
        }
    }

    async function runAction(job, label, method, target, body) {
        $('job-error-text').textContent = '';
        for (const b of $('job-actions').querySelectorAll('button')) b.disabled = true;
        try {
            const r = await api(method, target, body);
            say(label + ' of job ' + job.Id + ': done.');
            if (label === 'Delete') {
                dropRow(job.Id);
                location.hash = '#/jobs';
                return;
            }
            if (label === 'Resubmit' && r.headers.get('Location')) {
                say('Resubmitted job ' + job.Id + '.');
            }
            await loadJob(job.Id, false);
        } catch (e) {
            $('job-error-text').textContent = label + ' refused: ' + e.message;
            say(label + ' of job ' + job.Id + ' was refused.');
            for (const b of $('job-actions').querySelectorAll('button')) b.disabled = false;
        }
    }

    function renderMessages(msgs) {
        const box = $('job-messages');
        if (!msgs.length) {
            box.replaceChildren(el('p', { class: 'muted', text: 'No messages.' }));
            return;
        }
        box.replaceChildren(el('ul', { class: 'messages' }, ...msgs.map((m) => el('li', null,
            el('strong', { text: (m.MessageSeverity || 'OK') + ': ' }), m.Message || '',
            el('br'), el('span', { class: 'muted', text: m.MessageId || '' }),
            m.Resolution ? el('div', { text: 'Resolution: ' + m.Resolution }) : null))));
    }

    async function loadError(job) {
        const oem = (job.Actions && job.Actions.Oem) || {};
        const a = oem['#RfjobdJob.GetError'];
        const box = $('job-cimerror');
        if (!a) {
            box.replaceChildren(el('p', { class: 'muted', text: 'Not available for this job.' }));
            return;
        }
        try {
            const r = await api('POST', a.target, {});
            if (openJobId !== job.Id) return;
            const err = r.json && r.json.Error;
            if (!err) {
                box.replaceChildren(el('p', { class: 'muted', text: 'No error.' }));
                return;
            }
            box.replaceChildren(
                el('p', { class: 'error-message' }, el('strong', { text: (err.MessageSeverity || '') + ': ' }),
                    err.Message || ''),
                err.Resolution ? el('p', { text: 'Resolution: ' + err.Resolution }) : null,
                propList((err.Oem && err.Oem.Rfjobd) || err));
        } catch (e) {
            if (openJobId === job.Id) box.replaceChildren(el('p', { class: 'error', text: e.message }));
        }
    }

    function valueText(v) {
        if (v === null) return el('span', { class: 'muted', text: 'null' });
        if (typeof v === 'object') return propList(v);
        return document.createTextNode(String(v));
    }

    function propList(obj) {
        if (Array.isArray(obj)) {
            if (obj.length === 0) return el('span', { class: 'muted', text: '(none)' });
            if (obj.every((x) => x === null || typeof x !== 'object')) {
                return document.createTextNode(obj.map(String).join(', '));
            }
            return el('ol', null, ...obj.map((x) => el('li', null, valueText(x))));
        }
        const dl = el('dl', { class: 'props' });
        for (const [k, v] of Object.entries(obj)) {
            if (k === '@odata.etag') continue;
            dl.append(el('dt', { text: k }), el('dd', null, valueText(v)));
        }
        return dl;
    }

    /* ---- job documents and the submit form ----------------------------------------------- */

    async function loadDocs(wanted) {
        try {
            const r = await api('GET', DOCS + '?$expand=.($levels=1)');
            docs = (r.json.Members || []).filter((d) => d.Actions && d.Actions['#JobDocument.SubmitJob']);
            const sel = $('doc-select');
            sel.replaceChildren(...docs.map((d) => el('option', { value: d.Id, text: d.Name + ' (' + d.Id + ')' })));
            const id = wanted && docs.some((d) => d.Id === wanted) ? wanted : (docs[0] && docs[0].Id);
            if (id) {
                sel.value = id;
                await buildForm(id);
            } else {
                $('doc-description').textContent = 'No job documents are installed.';
            }
        } catch (e) {
            say('Could not read the job documents: ' + e.message);
        }
    }

    let formSpec = null;

    async function buildForm(id) {
        const doc = docs.find((d) => d.Id === id);
        if (!doc) return;
        const act = doc.Actions['#JobDocument.SubmitJob'];
        let info = { Parameters: [] };
        if (act['@Redfish.ActionInfo']) {
            try {
                info = (await api('GET', act['@Redfish.ActionInfo'])).json;
            } catch (e) {
                say('Could not read the action information: ' + e.message);
            }
        }
        $('doc-description').textContent = doc.Description || '';
        const params = (doc.ParameterMetadata || []).map((p) => ({ ...p, group: 'Parameters' }));
        const opts = (info.Parameters || []).filter((p) =>
            p.Name !== 'Parameters' && ['String', 'Number', 'Boolean'].includes(p.DataType));
        formSpec = { doc, target: act.target, params, opts };
        $('submit-params').replaceChildren(el('legend', { text: 'Parameters of ' + doc.Name }),
            ...params.map((p) => fieldFor(p, 'p-')));
        $('submit-options').replaceChildren(el('legend', { text: 'Submission' }),
            ...opts.map((p) => fieldFor(p, 'o-')));
        $('submit-options').hidden = opts.length === 0;
        $('submit-error').textContent = '';
    }

    function fieldFor(p, prefix) {
        const id = prefix + p.Name;
        const hintId = id + '-hint';
        const errId = id + '-err';
        const hints = [];
        if (p.Description) hints.push(p.Description);
        if (p.DataType === 'Number' && (p.MinimumValue !== undefined || p.MaximumValue !== undefined)) {
            hints.push('From ' + (p.MinimumValue ?? '…') + ' to ' + (p.MaximumValue ?? '…') + '.');
        }
        if (p.Name === 'StartTime') hints.push('A date and time such as 2030-01-31T12:00:00Z.');
        const label = p.Name + (p.Required ? ' (required)' : ' (optional)');
        let input;
        const values = p.AllowableValues;
        if (p.DataType === 'Boolean') {
            input = el('input', { id, type: 'checkbox', 'aria-describedby': hintId + ' ' + errId });
            return el('div', { class: 'field check' }, input, el('label', { for: id, text: label }),
                el('span', { id: hintId, class: 'hint', text: hints.join(' ') }),
                el('span', { id: errId, class: 'field-error' }));
        }
        if (Array.isArray(values) && values.length) {
            input = el('select', { id, 'aria-describedby': hintId + ' ' + errId },
                p.Required ? el('option', { value: '', text: 'Choose…' }) : el('option', { value: '', text: '(none)' }),
                ...values.map((v) => el('option', { value: String(v), text: String(v) })));
        } else if (p.DataType === 'Number') {
            input = el('input', {
                id, type: 'number', inputmode: 'decimal', step: 'any',
                min: p.MinimumValue, max: p.MaximumValue,
                placeholder: p.ValueHint, 'aria-describedby': hintId + ' ' + errId,
            });
        } else {
            input = el('input', {
                id, type: 'text', placeholder: p.ValueHint, autocomplete: 'off',
                'aria-describedby': hintId + ' ' + errId,
            });
        }
        if (p.Required) input.setAttribute('aria-required', 'true');
        return el('div', { class: 'field' }, el('label', { for: id, text: label }), input,
            el('span', { id: hintId, class: 'hint', text: hints.join(' ') }),
            el('span', { id: errId, class: 'field-error' }));
    }

    /* Reads and checks one field as the service does: required, type, allowable values,
     * pattern (whole value), minimum and maximum. Returns {value} or {error}; value undefined
     * means "leave it out". */
    function readField(p, prefix) {
        const input = $(prefix + p.Name);
        if (p.DataType === 'Boolean') {
            return { value: input.checked ? true : (p.Required ? false : undefined) };
        }
        const raw = input.value.trim();
        if (raw === '') {
            return p.Required ? { error: p.Name + ' is required.' } : { value: undefined };
        }
        let value = raw;
        if (p.DataType === 'Number') {
            value = Number(raw);
            if (!Number.isFinite(value)) return { error: p.Name + ' must be a number.' };
            if (p.MinimumValue !== undefined && p.MinimumValue !== null && value < p.MinimumValue) {
                return { error: p.Name + ' must be at least ' + p.MinimumValue + '.' };
            }
            if (p.MaximumValue !== undefined && p.MaximumValue !== null && value > p.MaximumValue) {
                return { error: p.Name + ' must be at most ' + p.MaximumValue + '.' };
            }
        }
        if (Array.isArray(p.AllowableNumbers) && p.AllowableNumbers.length &&
            !p.AllowableNumbers.map(Number).includes(value)) {
            return { error: p.Name + ' must be one of ' + p.AllowableNumbers.join(', ') + '.' };
        }
        if (Array.isArray(p.AllowableValues) && p.AllowableValues.length &&
            !p.AllowableValues.map(String).includes(String(raw))) {
            return { error: p.Name + ' must be one of ' + p.AllowableValues.join(', ') + '.' };
        }
        if (p.AllowablePattern && typeof value === 'string') {
            let re = null;
            try {
                re = new RegExp('^(?:' + p.AllowablePattern + ')$', 'u');
            } catch (e) {
                re = null; /* a pattern this browser cannot read is left to the service */
            }
            if (re && !re.test(value)) {
                return { error: p.Name + ' does not have the required form.' };
            }
        }
        return { value };
    }

    async function submitJob(ev) {
        ev.preventDefault();
        if (!formSpec) return;
        const body = { Parameters: {} };
        const problems = [];
        const check = (p, prefix, put) => {
            const r = readField(p, prefix);
            const input = $(prefix + p.Name);
            const err = $(prefix + p.Name + '-err');
            err.textContent = r.error || '';
            if (r.error) {
                input.setAttribute('aria-invalid', 'true');
                problems.push({ input, text: r.error });
            } else {
                input.removeAttribute('aria-invalid');
                if (r.value !== undefined) put(r.value);
            }
        };
        for (const p of formSpec.params) check(p, 'p-', (v) => { body.Parameters[p.Name] = v; });
        for (const p of formSpec.opts) check(p, 'o-', (v) => { body[p.Name] = v; });
        if (problems.length) {
            $('submit-error').textContent = problems.map((x) => x.text).join(' ');
            problems[0].input.focus();
            return;
        }
        $('submit-error').textContent = '';
        $('submit-button').disabled = true;
        try {
            const r = await api('POST', formSpec.target, body);
            const uri = r.headers.get('Location') || (r.json && r.json['@odata.id']) || '';
            const id = uri.split('/').pop();
            say('Job ' + id + ' submitted.');
            location.hash = '#/jobs/' + id;
        } catch (e) {
            $('submit-error').textContent = 'The service refused the job: ' + e.message;
            say('The service refused the job.');
        } finally {
            $('submit-button').disabled = false;
        }
    }

    /* ---- live updates: SSE over fetch, polling while it is down -------------------------- */

    function startLive() {
        stopLive();
        live.backoff = 1000;
        live.lastId = null; /* a new session starts from a freshly read table */
        connect();
    }

    function stopLive() {
        if (live.ctl) live.ctl.abort();
        live.ctl = null;
        live.up = false;
        clearTimeout(live.retry);
        live.retry = null;
        stopPolling();
        liveText('');
    }

    function startPolling() {
        if (live.poll) return;
        live.poll = setInterval(() => {
            if (!token) return;
            if (!$('view-jobs').hidden) loadTable();
            if (openJobId) loadJob(openJobId, false);
        }, POLL_MS);
    }

    function stopPolling() {
        clearInterval(live.poll);
        live.poll = null;
    }

    function streamDown() {
        live.up = false;
        if (!token) return;
        liveText('Live updates paused, retrying; the page refreshes itself meanwhile.');
        startPolling();
        clearTimeout(live.retry);
        live.retry = setTimeout(connect, live.backoff);
        live.backoff = Math.min(live.backoff * 2, 30000);
    }

    async function connect() {
        if (!token) return;
        const ctl = new AbortController();
        live.ctl = ctl;
        const headers = { Accept: 'text/event-stream', 'X-Auth-Token': token };
        if (live.lastId !== null) headers['Last-Event-ID'] = live.lastId;
        let r;
        try {
            r = await fetch(SSE, { headers, signal: ctl.signal, cache: 'no-store', credentials: 'omit' });
        } catch (e) {
            if (live.ctl === ctl) streamDown();
            return;
        }
        if (r.status === 401) {
            sessionEnded('Your session has ended. Log in again.');
            return;
        }
        if (!r.ok || !r.body) {
            if (live.ctl === ctl) streamDown();
            return;
        }
        const wasDown = live.poll !== null;
        live.up = true;
        live.backoff = 1000;
        stopPolling();
        liveText('Live updates on.');
        if (wasDown) reloadCurrent();
        try {
            await readStream(r.body.getReader(), ctl);
        } catch (e) {
            /* dropped or aborted */
        }
        if (live.ctl === ctl && !ctl.signal.aborted) streamDown();
    }

    async function readStream(reader, ctl) {
        const dec = new TextDecoder();
        let buf = '';
        let ev = { id: null, data: [] };
        for (;;) {
            const { value, done } = await reader.read();
            if (done || ctl.signal.aborted) return;
            buf += dec.decode(value, { stream: true });
            let nl;
            while ((nl = buf.search(/\r\n|\r|\n/)) >= 0) {
                const line = buf.slice(0, nl);
                buf = buf.slice(nl + (buf[nl] === '\r' && buf[nl + 1] === '\n' ? 2 : 1));
                if (line === '') {
                    if (ev.id !== null) live.lastId = ev.id;
                    if (ev.data.length) onEvent(ev.data.join('\n'));
                    ev = { id: null, data: [] };
                    continue;
                }
                if (line[0] === ':') continue; /* keep-alive comment */
                const c = line.indexOf(':');
                const field = c < 0 ? line : line.slice(0, c);
                let v = c < 0 ? '' : line.slice(c + 1);
                if (v[0] === ' ') v = v.slice(1);
                if (field === 'id') ev.id = v;
                else if (field === 'data') ev.data.push(v);
            }
        }
    }

    function reloadCurrent() {
        if (!$('view-jobs').hidden) loadTable();
        if (openJobId) loadJob(openJobId, false);
    }

    function jobIdOf(rec) {
        const o = rec.OriginOfCondition && rec.OriginOfCondition['@odata.id'];
        const m = typeof o === 'string' && /^\/redfish\/v1\/JobService\/Jobs\/([^/]+)$/.exec(o);
        return m ? decodeURIComponent(m[1]) : null;
    }

    function onEvent(text) {
        let evt;
        try {
            evt = JSON.parse(text);
        } catch (e) {
            return;
        }
        const recs = Array.isArray(evt.Events) ? evt.Events : [];
        const touched = new Set();
        let reload = false;
        for (const rec of recs) {
            const mid = String(rec.MessageId || '');
            const key = mid.split('.').pop();
            const args = rec.MessageArgs || [];
            if (key === 'EventsDropped') {
                reload = true;
                continue;
            }
            const id = jobIdOf(rec) || (mid.startsWith('JobEvent.') || mid.startsWith('Rfjobd.') ? args[0] : null);
            if (!id) continue;
            if (key === 'JobProgressChanged') {
                const pct = Number(args[1]);
                if (Number.isFinite(pct)) {
                    rowProgress(String(id), pct);
                    if (openJobId === String(id)) {
                        $('job-progress').value = pct;
                        $('job-progress').textContent = pct + '%';
                        $('job-percent').textContent = pct + '%';
                    }
                }
                continue;
            }
            if (key === 'JobRemoved') {
                dropRow(String(id));
                continue;
            }
            touched.add(String(id));
        }
        if (reload) {
            reloadCurrent();
            return;
        }
        for (const id of touched) {
            /* Jobs neither listed nor open are read again when the table is next shown. */
            if (!$('view-jobs').hidden || openJobId === id) refreshJobRow(id);
        }
    }

    /* ---- start ---------------------------------------------------------------------------- */

    function init() {
        $('login-form').addEventListener('submit', login);
        $('pwchange-form').addEventListener('submit', changePassword);
        $('logout').addEventListener('click', logout);
        $('jobs-filter').addEventListener('submit', applyFilter);
        $('filter-state').addEventListener('change', applyFilter);
        $('page-prev').addEventListener('click', () => {
            table.skip = Math.max(0, table.skip - table.top);
            loadTable();
        });
        $('page-next').addEventListener('click', () => {
            if (table.skip + table.top < table.total) table.skip += table.top;
            loadTable();
        });
        $('doc-select').addEventListener('change', () => {
            location.hash = '#/submit/' + $('doc-select').value;
        });
        $('submit-form').addEventListener('submit', submitJob);
        window.addEventListener('hashchange', route);
        show('login');
        $('login-user').focus();
    }

    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
    else init();
})();
