/*
 * Drives rfjobd's web page in headless Chromium against a running server (tests/ui/run.sh starts
 * it). Environment: RFJOBD_URL, RFJOBD_USER, RFJOBD_PASSWORD, CHROMIUM, UI_OUT_DIR.
 *
 * Every wait is bounded; nothing sleeps for correctness. Exits non-zero on the first failure.
 */
'use strict';

const path = require('path');
const { chromium } = require('playwright-core');

const BASE = process.env.RFJOBD_URL;
const USER = process.env.RFJOBD_USER || 'Administrator';
const PASS = process.env.RFJOBD_PASSWORD;
const OUT = process.env.UI_OUT_DIR || '.';
const WAIT = 20000;
const SSE_GLOB = '**/redfish/v1/EventService/SSE';

function check(cond, what) {
    if (!cond) throw new Error('check failed: ' + what);
    console.log('ok - ' + what);
}

async function main() {
    const browser = await chromium.launch({
        executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
        args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    const context = await browser.newContext({
        ignoreHTTPSErrors: true, /* the test's own CA */
        viewport: { width: 375, height: 800 },
    });
    const page = await context.newPage();

    /* What must not happen: script errors, console errors, CSP violations. Chromium logs the
     * answers the test provokes (400 and 409 refusals, the 401 of a dead token, the 403 of a
     * password to change, the 503 of the refused event stream) as "Failed to load resource";
     * those alone are let through. */
    const consoleErrors = [];
    const cspViolations = [];
    const pageErrors = [];
    page.on('console', (m) => {
        if (m.type() !== 'error') return;
        const t = m.text();
        if (/Content.Security.Policy/i.test(t)) cspViolations.push(t);
        else if (!/^Failed to load resource: the server responded with a status of (400|401|403|409|503)/.test(t)) {
            consoleErrors.push(t);
        }
    });
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    await page.exposeFunction('__cspViolation', (d) => cspViolations.push(d));
    await page.addInitScript(() => {
        document.addEventListener('securitypolicyviolation', (e) => {
            window.__cspViolation(e.violatedDirective + ' ' + e.blockedURI);
        });
    });

    /* Every request the page makes, for the live-update check. */
    const requests = [];
    page.on('request', (r) => {
        const u = new URL(r.url());
        requests.push({ method: r.method(), path: u.pathname, query: u.search, t: Date.now() });
    });
    /* The session token, read off the wire (the page keeps it in a closure). */
    let token = null;
    let sessionUri = null;
    const logins = [];
    page.on('response', async (r) => {
        const u = new URL(r.url());
        if (r.request().method() === 'POST' &&
            u.pathname === '/redfish/v1/SessionService/Sessions' && r.status() === 201) {
            const hs = await r.allHeaders();
            logins.push(hs.location);
            if (token === null) {
                token = hs['x-auth-token'];
                sessionUri = hs.location;
            }
        }
    });

    /* The event stream is refused until the polling fallback has been seen. */
    await page.route(SSE_GLOB, (route) => route.fulfill({
        status: 503, contentType: 'application/json', body: '{}',
    }));

    /* ---- "/" redirects; the page has its CSP and media type ------------------------------ */
    const resp = await page.goto(BASE + '/', { waitUntil: 'load' });
    check(new URL(page.url()).pathname === '/ui/', '/ redirects to /ui/');
    const h = resp.headers();
    check(/text\/html/.test(h['content-type']), 'page is text/html');
    const csp = h['content-security-policy'] || '';
    check(/script-src 'self'/.test(csp) && /default-src 'none'/.test(csp) &&
        /frame-ancestors 'none'/.test(csp) && !/unsafe/.test(csp), 'strict CSP on the page: ' + csp);
    const redirect = resp.request().redirectedFrom();
    check(redirect && (await redirect.response()).status() === 302, '/ answers 302');

    /* ---- narrow screen: the login form fits, Tab reaches the button ---------------------- */
    await page.locator('#login-user').waitFor({ state: 'visible', timeout: WAIT });
    check(await noOverflow(page), 'login view does not overflow at 375px');
    await page.locator('#login-user').focus();
    let reached = false;
    for (let i = 0; i < 8 && !reached; i++) {
        await page.keyboard.press('Tab');
        reached = await page.evaluate(() => document.activeElement && document.activeElement.id === 'login-button');
    }
    check(reached, 'Tab reaches the login button');

    /* ---- a wrong password shows the service's words -------------------------------------- */
    await page.fill('#login-user', USER);
    await page.fill('#login-pass', 'wrong-password-1');
    await page.click('#login-button');
    await page.waitForFunction(() => document.getElementById('login-error').textContent.length > 0,
        null, { timeout: WAIT });
    check(await page.isVisible('#view-login'), 'a wrong password stays on the login form');

    /* ---- log in through the form (keyboard: Enter submits) ------------------------------- */
    await page.fill('#login-pass', PASS);
    await page.press('#login-pass', 'Enter');
    await page.locator('#view-jobs').waitFor({ state: 'visible', timeout: WAIT });
    check(token && sessionUri, 'logged in; token and session URI received');
    const stored = await page.evaluate(() => [localStorage.length, sessionStorage.length, document.cookie]);
    check(stored[0] === 0 && stored[1] === 0 && stored[2] === '', 'no token in storage or cookies');
    check(requests.some((r) => r.path === '/ui/favicon.svg'), 'the icon comes from /ui/');
    await page.setViewportSize({ width: 1280, height: 900 });

    /* The event stream was refused (page.route above): the page says so and polls. */
    await page.waitForFunction(() => /paused, retrying/.test(document.getElementById('live').textContent),
        null, { timeout: WAIT });
    check(true, 'page reports live updates paused while the stream is refused');
    await page.waitForRequest((r) => r.method() === 'GET' &&
        new URL(r.url()).pathname === '/redfish/v1/JobService/Jobs', { timeout: WAIT });
    check(true, 'meanwhile the page polls the jobs');
    await page.unroute(SSE_GLOB);

    /* ---- submit form: client validation, then the service's refusal ---------------------- */
    await page.click('#nav-submit');
    await page.locator('#doc-select').waitFor({ state: 'visible', timeout: WAIT });
    await page.selectOption('#doc-select', 'IscsiVirtualDiskCreate');
    await page.locator('#p-DiskName').waitFor({ timeout: WAIT });
    await page.fill('#p-SizeMiB', '999999');
    await page.click('#submit-button');
    await page.waitForFunction(() => /DiskName is required/.test(document.getElementById('submit-error').textContent),
        null, { timeout: WAIT });
    const sizeErr = await page.textContent('#p-SizeMiB-err');
    check(/at most 65536/.test(sizeErr), 'client-side validation: required and maximum (' + sizeErr + ')');
    check(await page.getAttribute('#p-DiskName', 'aria-invalid') === 'true', 'invalid field is marked');
    await page.fill('#p-DiskName', '-bad');
    await page.click('#submit-button');
    await page.waitForFunction(() => /DiskName does not have the required form/.test(document.getElementById('submit-error').textContent),
        null, { timeout: WAIT });
    check(true, 'client-side validation: pattern');

    /* A value the page cannot judge (StartTime) is refused by the service, in its words. */
    await page.fill('#p-DiskName', 'ui-disk');
    await page.fill('#p-SizeMiB', '64');
    await page.fill('#p-RateMiBPerSecond', '4');
    await page.fill('#o-StartTime', 'tomorrow');
    await page.click('#submit-button');
    await page.waitForFunction(() => /refused the job: .*StartTime.*not a format/.test(document.getElementById('submit-error').textContent),
        null, { timeout: WAIT });
    check(true, 'server refusal shows the service\'s message: ' + await page.textContent('#submit-error'));

    /* ---- submit a throttled disk job: it runs for several seconds ------------------------ */
    await page.fill('#o-StartTime', '');
    await page.click('#submit-button');
    await page.waitForFunction(() => /^#\/jobs\/\d+$/.test(location.hash), null, { timeout: WAIT });
    const diskId = (await page.evaluate(() => location.hash)).split('/').pop();
    check(diskId, 'job submitted through the form: ' + diskId);

    /* ---- the table updates live: progress and state ------------------------------------- */
    /* The stream is back (the page retries with back-off). */
    await page.waitForFunction(() => /Live updates on/.test(document.getElementById('live').textContent),
        null, { timeout: 40000 });
    check(true, 'page reconnected to the event stream: live updates on');
    await page.click('#nav-jobs');
    const row = page.locator('#jobs-body tr[data-id="' + diskId + '"]');
    await row.waitFor({ timeout: WAIT });
    await page.waitForFunction((id) => {
        const tr = document.querySelector('#jobs-body tr[data-id="' + id + '"]');
        return tr && tr.querySelector('.state-rf').textContent === 'Running';
    }, diskId, { timeout: WAIT });
    const before = Number(await row.locator('progress').getAttribute('value') ||
        await row.locator('progress').evaluate((p) => p.value));
    const mark = Date.now();
    await page.waitForFunction(([id, b]) => {
        const tr = document.querySelector('#jobs-body tr[data-id="' + id + '"]');
        return tr && tr.querySelector('progress').value > b && tr.querySelector('progress').value < 100;
    }, [diskId, before], { timeout: WAIT });
    const after = await row.locator('progress').evaluate((p) => p.value);
    check(after > before, 'progress bar moved from ' + before + ' to ' + after);
    check(/\d+%/.test(await row.locator('.pct').textContent()), 'progress is written as text too');
    check(/CIM: Running/.test(await row.locator('.state-cim').textContent()), 'CIM JobState shown');

    /* Another client suspends the job; the table shows it without being reloaded. */
    const other = await page.evaluate(async ([u, p]) => {
        const r = await fetch('/redfish/v1/SessionService/Sessions', {
            method: 'POST', headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ UserName: u, Password: p }), credentials: 'omit',
        });
        return r.headers.get('X-Auth-Token');
    }, [USER, PASS]);
    const suspendMark = Date.now();
    const st = await apiPost(page, other, '/redfish/v1/JobService/Jobs/' + diskId + '/Actions/Job.Suspend');
    check(st === 200 || st === 202 || st === 204, 'another client suspended the job (' + st + ')');
    await page.waitForFunction((id) => {
        const tr = document.querySelector('#jobs-body tr[data-id="' + id + '"]');
        return tr && tr.querySelector('.state-rf').textContent === 'Suspended';
    }, diskId, { timeout: WAIT });
    check(true, 'state text changed to Suspended in the table');
    const collectionGets = requests.filter((r) => r.t >= mark && r.method === 'GET' &&
        r.path === '/redfish/v1/JobService/Jobs');
    check(collectionGets.length === 0,
        'updates arrived over SSE: no Jobs collection GET while watching (' + collectionGets.length + ')');
    const jobGets = requests.filter((r) => r.t >= mark && r.t < suspendMark && r.method === 'GET' &&
        r.path === '/redfish/v1/JobService/Jobs/' + diskId);
    check(jobGets.length === 0, 'progress arrived over SSE: no GET of the job while it ran');
    const stateGets = requests.filter((r) => r.t >= suspendMark && r.method === 'GET' &&
        r.path === '/redfish/v1/JobService/Jobs/' + diskId);
    check(stateGets.length >= 1, 'the state change event made the page re-read that one job');

    /* ---- the job page: actions as buttons ------------------------------------------------ */
    await row.locator('a.job-link').click();
    await page.locator('#view-job').waitFor({ state: 'visible', timeout: WAIT });
    await waitText(page, '#job-state', /^Suspended/);
    check(await page.isVisible('#job-actions button[data-action="Resume"]'), 'Resume offered when Suspended');
    check(!(await page.isVisible('#job-actions button[data-action="Suspend"]')), 'Suspend not offered when Suspended');
    await page.click('#job-actions button[data-action="Resume"]');
    await waitText(page, '#job-state', /^Running/);
    check(true, 'resumed: Running');
    await page.locator('#job-actions button[data-action="Suspend"]').waitFor({ timeout: WAIT });
    await page.click('#job-actions button[data-action="Suspend"]');
    await waitText(page, '#job-state', /^Suspended/);
    check(true, 'suspended from the page: Suspended');
    await page.locator('#job-actions button[data-action="Resume"]').waitFor({ timeout: WAIT });
    await page.click('#job-actions button[data-action="Resume"]');
    await waitText(page, '#job-state', /^Running/);
    check(true, 'resumed again: Running');
    const props = await page.textContent('#job-props');
    check(/JobType/.test(props) && /DocumentBased/.test(props) && /CreatedBy/.test(props), 'Redfish properties listed');
    const cim = await page.textContent('#job-cim');
    check(/JobStateName/.test(cim) && /InstanceID/.test(cim), 'CIM view listed');
    await page.locator('#job-actions button[data-action="Cancel"]').waitFor({ timeout: WAIT });
    await page.click('#job-actions button[data-action="Cancel"]');
    await waitText(page, '#job-state', /^Cancelled/);
    check(true, 'cancelled: Cancelled');

    /* A refused action shows the service's message. */
    const refused = await apiPost(page, other, '/redfish/v1/JobService/Jobs/' + diskId + '/Actions/Job.Suspend');
    check(refused === 400 || refused === 409, 'the service refuses to suspend a cancelled job (' + refused + ')');

    /* ---- a failing job: its error is readable -------------------------------------------- */
    await page.click('#nav-submit');
    await page.locator('#doc-select').waitFor({ state: 'visible', timeout: WAIT });
    await page.selectOption('#doc-select', 'ShieldedVmProvisioning');
    await page.locator('#p-VmName').waitFor({ timeout: WAIT });
    check(await page.evaluate(() => document.getElementById('p-Template').tagName) === 'SELECT',
        'allowable values become a select');
    await page.fill('#p-VmName', 'ui-vm');
    await page.selectOption('#p-Template', 'Debian 12');
    await page.selectOption('#p-FailAt', 'Attestation');
    await page.fill('#p-StepMilliseconds', '200');
    await page.click('#submit-button');
    await page.waitForFunction(() => /^#\/jobs\/\d+$/.test(location.hash), null, { timeout: WAIT });
    const vmId = (await page.evaluate(() => location.hash)).split('/').pop();
    await waitText(page, '#job-state', /^Exception/, 30000);
    await waitText(page, '#job-cimerror', /attestation/i);
    const errText = await page.textContent('#job-cimerror');
    check(/Security Credential Mismatch|AttestationFailed/.test(errText), 'CIM_Error shown: ' +
        (await page.textContent('#job-cimerror .error-message')));
    await waitText(page, '#job-messages', /exited with status 1/);
    check(true, 'Messages shown');
    check(await page.textContent('#job-health') === 'Critical', 'health written as text');
    check(await page.isVisible('#job-actions button[data-action="Resubmit"]'), 'Resubmit offered after an exception');
    check(!(await page.isVisible('#job-actions button[data-action="Cancel"]')), 'Cancel not offered after an exception');

    /* ---- the table: filter, screenshot, narrow screen ------------------------------------ */
    await page.click('#nav-jobs');
    await page.locator('#jobs-body tr[data-id="' + vmId + '"]').waitFor({ timeout: WAIT });
    await page.selectOption('#filter-state', 'Exception');
    await page.waitForFunction((id) => {
        const ids = [...document.querySelectorAll('#jobs-body tr')].map((t) => t.dataset.id);
        return ids.length === 1 && ids[0] === id;
    }, vmId, { timeout: WAIT });
    check(true, 'state filter shows only the failed job');
    await page.selectOption('#filter-state', '');
    await page.fill('#filter-name', 'iscsi');
    await page.click('#jobs-filter button[type="submit"]');
    await page.waitForFunction((id) => {
        const ids = [...document.querySelectorAll('#jobs-body tr')].map((t) => t.dataset.id);
        return ids.length === 1 && ids[0] === id;
    }, diskId, { timeout: WAIT });
    check(true, 'name search finds the disk job');
    await page.fill('#filter-name', '');
    await page.click('#jobs-filter button[type="submit"]');
    await page.waitForFunction(() => document.querySelectorAll('#jobs-body tr').length >= 2, null, { timeout: WAIT });
    /* Paging: twelve more (user-specified) jobs, pages of ten. */
    for (let i = 0; i < 12; i++) {
        const st = await page.evaluate(async ([t, n]) => (await fetch('/redfish/v1/JobService/Jobs', {
            method: 'POST',
            headers: { 'X-Auth-Token': t, 'Content-Type': 'application/json' },
            body: JSON.stringify({
                Name: 'paging ' + n,
                Payload: { TargetUri: '/redfish/v1/JobService', HttpOperation: 'GET' },
            }),
            credentials: 'omit',
        })).status, [other, i]);
        if (st !== 201) throw new Error('creating a job for paging: ' + st);
    }
    await page.selectOption('#page-size', '10');
    await page.click('#jobs-filter button[type="submit"]');
    await waitText(page, '#page-info', /^Jobs 1 to 10 of 14$/);
    check(await page.locator('#jobs-body tr').count() === 10, 'first page holds ten jobs of 14');
    await page.click('#page-next');
    await waitText(page, '#page-info', /^Jobs 11 to 14 of 14$/);
    check(await page.isDisabled('#page-next'), 'the last page has no next page');
    await page.click('#page-prev');
    await waitText(page, '#page-info', /^Jobs 1 to 10 of 14$/);
    check(true, 'paging with $top and $skip');
    await page.selectOption('#page-size', '20');
    await page.click('#jobs-filter button[type="submit"]');
    await waitText(page, '#page-info', /^Jobs 1 to 14 of 14$/);

    const shot = path.resolve(OUT, 'jobs-table.png');
    await page.screenshot({ path: shot, fullPage: true });
    console.log('# screenshot of the jobs table: ' + shot);
    await page.setViewportSize({ width: 375, height: 800 });
    check(await noOverflow(page), 'jobs table does not overflow at 375px');

    /* ---- log out: the login form again, and the token is dead ---------------------------- */
    await page.click('#logout');
    await page.locator('#view-login').waitFor({ state: 'visible', timeout: WAIT });
    check(requests.some((r) => r.method === 'DELETE' && r.path === sessionUri), 'logout DELETEs the session');
    check(await noOverflow(page), 'login view does not overflow after logout');
    /* credentials 'omit' as the page does: a Basic challenge must not open the browser's own
     * login prompt. */
    const dead = await page.evaluate(async (tok) => (await fetch('/redfish/v1/JobService', {
        headers: { 'X-Auth-Token': tok }, credentials: 'omit',
    })).status, token);
    check(dead === 401, 'the old token gets 401 (' + dead + ')');

    /* ---- an account that must change its password first -------------------------------- */
    const made = await page.evaluate(async (t) => (await fetch('/redfish/v1/AccountService/Accounts', {
        method: 'POST',
        headers: { 'X-Auth-Token': t, 'Content-Type': 'application/json' },
        body: JSON.stringify({
            UserName: 'ui-newop', Password: 'ui-first-pass-1', RoleId: 'Operator',
            PasswordChangeRequired: true,
        }),
        credentials: 'omit',
    })).status, other);
    check(made === 201, 'account with PasswordChangeRequired created (' + made + ')');
    await page.fill('#login-user', 'ui-newop');
    await page.fill('#login-pass', 'ui-first-pass-1');
    await page.click('#login-button');
    await page.locator('#pwchange-form').waitFor({ state: 'visible', timeout: WAIT });
    check(/must be changed before access is granted/.test(await page.textContent('#pwchange-why')),
        'PasswordChangeRequired shows the service\'s message');
    await page.fill('#pwchange-new', 'ui-second-pass-2');
    await page.press('#pwchange-new', 'Enter');
    await page.locator('#view-jobs').waitFor({ state: 'visible', timeout: WAIT });
    check(true, 'after changing the password the jobs are shown');

    /* ---- a 401 anywhere returns to the login form --------------------------------------- */
    const newopSession = logins[logins.length - 1];
    const killed = await page.evaluate(async ([t, u]) => (await fetch(u, {
        method: 'DELETE', headers: { 'X-Auth-Token': t }, credentials: 'omit',
    })).status, [other, newopSession]);
    check(killed === 204 || killed === 200, 'another client ended the page\'s session (' + killed + ')');
    await page.click('#nav-submit');
    await page.locator('#view-login').waitFor({ state: 'visible', timeout: WAIT });
    check(/session has ended/.test(await page.textContent('#login-error')), 'a 401 returns to the login form');

    check(pageErrors.length === 0, 'no script errors ' + JSON.stringify(pageErrors));
    check(cspViolations.length === 0, 'no CSP violations ' + JSON.stringify(cspViolations));
    check(consoleErrors.length === 0, 'no console errors ' + JSON.stringify(consoleErrors));
    await browser.close();
}

async function noOverflow(page) {
    return page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
}

async function waitText(page, sel, re, timeout) {
    await page.waitForFunction(([s, src, flags]) => {
        const e = document.querySelector(s);
        return e && new RegExp(src, flags).test(e.textContent);
    }, [sel, re.source, re.flags], { timeout: timeout || WAIT });
}

async function apiPost(page, tok, uri) {
    return page.evaluate(async ([t, u]) => (await fetch(u, {
        method: 'POST',
        headers: { 'X-Auth-Token': t, 'Content-Type': 'application/json' },
        body: '{}', credentials: 'omit',
    })).status, [tok, uri]);
}

main().then(() => {
    console.log('ui: all checks passed');
}, (e) => {
    console.error('FAIL: ' + (e && e.stack ? e.stack : e));
    process.exit(1);
});
