// token_page.mjs: drives headless Chromium (Playwright) through the browser
// token page, /app/: sign in, create a token shown once, use it with curl,
// revoke it with confirmation, make a container token (only the
// permissions the user holds are offered, a reason is required), use and
// revoke it, and check that pages of other origins cannot mint with the
// user's session. Run by tests/integration/89_browser.sh,
// which passes everything in the environment:
//   APITOKEN_URL      base URL of the web server in front of the pool
//   PAGE_LOGIN, PAGE_PASSWORD   an existing user
//   PAGE_CONTAINER_ID, PAGE_CONTAINER_NAME  a container on which that user
//                     holds read and access (not write, not manage)
//   PAGE_SHOTS        directory for the screenshots (one per step)
//   PAGE_CHROMIUM     the Chromium binary (Debian: /usr/bin/chromium)
//   PAGE_NODE_MODULES the node_modules directory that has playwright-core
// Prints "ok - ..." / "not ok - ..." lines (tests/README.md); exits 1 when
// a check failed.
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';

const env = (k) => {
	const v = process.env[k];
	if (!v) {
		console.log(`not ok - token_page.mjs: environment variable ${k} is set`);
		process.exit(1);
	}
	return v;
};
const BASE = env('APITOKEN_URL').replace(/\/$/, '');
const LOGIN = env('PAGE_LOGIN');
const PASSWORD = env('PAGE_PASSWORD');
const SHOTS = env('PAGE_SHOTS');
const CID = env('PAGE_CONTAINER_ID');
const CNAME = env('PAGE_CONTAINER_NAME');
const CHROMIUM = env('PAGE_CHROMIUM');
const require = createRequire(path.join(env('PAGE_NODE_MODULES'), 'x.js'));
const { chromium } = require('playwright-core');

// A name the browser maps to 127.0.0.1: another site than 127.0.0.1.
const EVIL_HOST = 'evil.test';
const TIMEOUT = 15000;

let fails = 0;
const ok = (name) => console.log(`ok - ${name}`);
function notOk(name, detail) {
	fails++;
	console.log(`not ok - ${name}`);
	for (const l of String(detail ?? '').split('\n').slice(0, 12))
		console.log(`#   ${l}`);
}
// check NAME FN: ok when FN resolves to anything but false.
async function check(name, fn) {
	try {
		const r = await fn();
		if (r === false) {
			notOk(name, 'condition is false');
			return false;
		}
		ok(name);
		return true;
	} catch (e) {
		notOk(name, e && e.message ? e.message : e);
		return false;
	}
}
function expect(cond, detail) {
	if (!cond)
		throw new Error(detail);
}

let shotNo = 0;
async function shot(page, name) {
	shotNo++;
	const file = path.join(SHOTS, `${String(shotNo).padStart(2, '0')}-${name}.png`);
	await page.screenshot({ path: file, fullPage: true });
}

// curl with a token: {status, body}.
function curlToken(tok, route) {
	const out = execFileSync('curl', ['-sS', '--max-time', '10',
	    '-H', `X-Auth-Token: ${tok}`, '-w', '\n%{http_code}', BASE + route],
	    { encoding: 'utf8' });
	const i = out.lastIndexOf('\n');
	let body = null;
	try {
		body = JSON.parse(out.slice(0, i));
	} catch (e) {
		body = null;
	}
	return { status: Number(out.slice(i + 1)), body };
}

// The other origins' page: a form that posts to createApiToken.
function attackerServer() {
	const srv = http.createServer((req, res) => {
		const u = new URL(req.url, 'http://x');
		const desc = u.searchParams.get('d') || 'evil';
		const html = `<!DOCTYPE html><html><head><meta charset="utf-8">
<title>Win a prize</title></head><body><h1>Win a prize</h1>
<form id="mint" method="post" action="${BASE}/api/createApiToken">
<input type="hidden" name="description" value="${desc}-form">
<input type="hidden" name="expires_in" value="3600">
<button id="go">Claim</button></form>
<img id="img" alt="" src="${BASE}/api/createApiToken?description=${desc}-img">
</body></html>`;
		res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
		res.end(html);
	});
	return new Promise((resolve) => srv.listen(0, '127.0.0.1',
	    () => resolve(srv)));
}

async function main() {
	fs.mkdirSync(SHOTS, { recursive: true });
	const srv = await attackerServer();
	const aport = srv.address().port;
	let browser;
	try {
		browser = await chromium.launch({
			executablePath: CHROMIUM,
			headless: true,
			timeout: 60000,
			args: ['--disable-gpu', '--disable-quic', '--no-first-run',
			    '--disable-background-networking',
			    '--disable-component-update', '--disable-sync',
			    `--host-resolver-rules=MAP ${EVIL_HOST} 127.0.0.1`],
		});
	} catch (e) {
		notOk('Chromium starts under Playwright', e.message);
		srv.close();
		return;
	}
	ok('Chromium starts under Playwright');
	try {
		await run(browser, aport);
	} finally {
		await browser.close().catch(() => {});
		srv.close();
	}
}

async function run(browser, aport) {
	const ctx = await browser.newContext({ viewport: { width: 1280, height: 860 } });
	ctx.setDefaultTimeout(TIMEOUT);
	await ctx.grantPermissions(['clipboard-read', 'clipboard-write'],
	    { origin: BASE }).catch(() => {});
	const page = await ctx.newPage();
	const problems = [];
	page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
	page.on('console', (m) => {
		const where = (m.location() && m.location().url) || '';
		// 401/403: answers the page expects (whoami before signing in,
		// a wrong password); 400 from container token creation: the
		// test leaves out the reason on purpose; the favicon is not the
		// page's.
		if (m.type() === 'error' && !/favicon/.test(where) &&
		    !/status of 40[13]/.test(m.text()) &&
		    !(/status of 400/.test(m.text()) &&
		    /\/api\/containers\/[0-9]+\/tokens$/.test(where)))
			problems.push(`console: ${m.text()} (${where})`);
	});
	await page.exposeFunction('__cspViolation', (d) =>
	    problems.push(`CSP violation: ${d}`));
	await page.addInitScript(() => {
		document.addEventListener('securitypolicyviolation', (e) =>
		    window.__cspViolation(`${e.violatedDirective} ${e.blockedURI}`));
	});

	// Sign in.
	if (!await check('the page shows a labelled login form', async () => {
		const r = await page.goto(`${BASE}/app/`);
		expect(r.status() === 200, `GET /app/: ${r.status()}`);
		await page.getByLabel('Login', { exact: true }).waitFor();
		await page.getByLabel('Password').waitFor();
		await page.getByRole('button', { name: 'Sign in' }).waitFor();
		await shot(page, 'login');
	}))
		return;
	await check('a wrong password is refused with a message', async () => {
		await page.getByLabel('Login', { exact: true }).fill(LOGIN);
		await page.getByLabel('Password').fill(PASSWORD + 'x');
		await page.getByRole('button', { name: 'Sign in' }).click();
		await page.getByRole('alert').filter({ hasText: 'Wrong login or password' }).waitFor();
		await shot(page, 'login-refused');
	});
	if (!await check('signing in shows the (empty) token list', async () => {
		await page.getByLabel('Login', { exact: true }).fill(LOGIN);
		await page.getByLabel('Password').fill(PASSWORD);
		await page.getByRole('button', { name: 'Sign in' }).click();
		await page.getByText(`Signed in as ${LOGIN}`).waitFor();
		await page.getByText('You have no tokens.').waitFor();
		await shot(page, 'signed-in');
	}))
		return;
	await check('the session cookie is HttpOnly: scripts cannot read it',
	    async () => {
		const c = await page.evaluate(() => document.cookie);
		expect(c === '', `document.cookie: ${c}`);
		const jar = await ctx.cookies(BASE);
		const s = jar.find((k) => /apitoken_session/.test(k.name));
		expect(s && s.httpOnly && s.sameSite === 'Strict',
		    `cookie: ${JSON.stringify(s)}`);
	});

	// Create: the token is shown once, with a copy button.
	const desc = `browser ${Date.now()}`;
	let token = null;
	if (!await check('creating a token shows it once, with a warning', async () => {
		await page.getByLabel('Description').fill(desc);
		await page.getByLabel('Expires').selectOption({ label: 'in 1 day' });
		await page.getByRole('button', { name: 'Create token' }).click();
		const box = page.locator('#new-token');
		await box.waitFor();
		await box.getByText('it will not be shown again').waitFor();
		token = await page.getByRole('textbox', { name: 'New token' }).inputValue();
		expect(/^atk_[A-Za-z0-9]{36}$/.test(token), `token: ${token}`);
		await shot(page, 'token-shown');
	}))
		return;
	const hint = `atk_...${token.slice(-4)}`;
	await check('the copy button puts the token on the clipboard', async () => {
		await page.getByRole('button', { name: 'Copy', exact: true }).click();
		await page.getByText('Copied to the clipboard.').waitFor();
		const clip = await page.evaluate(() => navigator.clipboard.readText());
		expect(clip === token, 'clipboard differs from the token');
	});
	await check('the list shows the new token by its hint, not the token',
	    async () => {
		const row = page.locator('#token-rows tr', { hasText: desc });
		await row.waitFor();
		const text = await row.innerText();
		expect(text.includes(hint), `row: ${text}`);
		expect(!text.includes(token), 'the row holds the plain token');
		expect(/active/.test(text) && /never/.test(text), `row: ${text}`);
	});
	await check('the token works with curl (/api/whoami 200)', async () => {
		const r = curlToken(token, '/api/whoami');
		expect(r.status === 200 && r.body && r.body.user &&
		    r.body.user.login === LOGIN && r.body.auth === 'token',
		    `status ${r.status}: ${JSON.stringify(r.body)}`);
	});
	await check('after a reload the token is no longer shown anywhere',
	    async () => {
		await page.reload();
		await page.getByText(`Signed in as ${LOGIN}`).waitFor();
		await page.locator('#token-rows tr', { hasText: desc }).waitFor();
		const html = await page.content();
		expect(!html.includes(token), 'the plain token is still in the page');
		expect(await page.locator('#new-token').isHidden(),
		    'the new-token box is visible');
		await shot(page, 'after-reload');
	});

	// Revoke, with confirmation.
	const revokeBtn = page.getByRole('button',
	    { name: `Revoke token ${hint} (${desc})` });
	const dialog = page.getByRole('dialog');
	await check('revoking asks for confirmation; Cancel keeps the token',
	    async () => {
		await revokeBtn.click();
		await dialog.waitFor();
		const t = await dialog.innerText();
		expect(t.includes(hint) && t.includes('cannot be undone'),
		    `dialog: ${t}`);
		await shot(page, 'revoke-confirm');
		await dialog.getByRole('button', { name: 'Cancel' }).click();
		await dialog.waitFor({ state: 'hidden' });
		await page.locator('#token-rows tr', { hasText: desc }).waitFor();
		const r = curlToken(token, '/api/whoami');
		expect(r.status === 200, `whoami after Cancel: ${r.status}`);
	});
	await check('confirming revokes it and it leaves the list', async () => {
		await revokeBtn.click();
		await dialog.waitFor();
		await dialog.getByLabel('Reason (optional)').fill('browser test');
		await dialog.getByRole('button', { name: 'Revoke token' }).click();
		await dialog.waitFor({ state: 'hidden' });
		await page.getByText(`Token ${hint} revoked.`).waitFor();
		await page.locator('#token-rows tr', { hasText: desc })
		    .waitFor({ state: 'detached' });
		await shot(page, 'revoked');
	});
	await check('the revoked token gets 401 with curl', async () => {
		const r = curlToken(token, '/api/whoami');
		expect(r.status === 401 && r.body && r.body.reason === 'token_revoked',
		    `status ${r.status}: ${JSON.stringify(r.body)}`);
	});

	// A container token: only the permissions held, a reason required.
	await containerToken(page);

	// A phone-sized screen: one token as a card, nothing wider than it.
	await check('on a phone-sized screen the page fits the width', async () => {
		await page.setViewportSize({ width: 375, height: 740 });
		await page.getByLabel('Description').fill('phone');
		await page.getByRole('button', { name: 'Create token' }).click();
		await page.locator('#new-token').waitFor();
		await page.getByRole('button', { name: 'I have copied it' }).click();
		await page.locator('#token-rows tr', { hasText: 'phone' }).waitFor();
		const w = await page.evaluate(() => [
		    document.documentElement.scrollWidth, window.innerWidth]);
		await shot(page, 'phone');
		expect(w[0] <= w[1], `page ${w[0]}px wide in a ${w[1]}px window`);
		await page.setViewportSize({ width: 1280, height: 860 });
	});

	// Other origins cannot mint with the session.
	const listed = async () => page.evaluate(async () => {
		const r = await fetch('../api/getApiTokens', { cache: 'no-store' });
		return (await r.json()).map((t) => t.description);
	});
	const before = await listed();
	const attack = await ctx.newPage();
	const tryMint = async (origin, d) => {
		await attack.goto(`${origin}/?d=${d}`);
		// The <img> is a cross-origin GET to createApiToken with cookies.
		await attack.waitForLoadState('load');
		const [resp] = await Promise.all([
			attack.waitForNavigation(),
			attack.locator('#go').click(),
		]);
		return { status: resp.status(), text: await attack.innerText('body') };
	};
	await check('a cross-site page cannot mint: the cookie is not sent',
	    async () => {
		const r = await tryMint(`http://${EVIL_HOST}:${aport}`, 'evil-site');
		await shot(attack, 'cross-site');
		expect(r.status === 401 && /missing_credentials/.test(r.text),
		    `status ${r.status}: ${r.text.slice(0, 200)}`);
	});
	await check('a same-site page of another origin cannot mint: 403 csrf_check_failed',
	    async () => {
		const r = await tryMint(`http://127.0.0.1:${aport}`, 'evil-origin');
		await shot(attack, 'cross-origin');
		expect(r.status === 403 && /csrf_check_failed/.test(r.text),
		    `status ${r.status}: ${r.text.slice(0, 200)}`);
	});
	await check('no token appeared in getApiTokens', async () => {
		await attack.close();
		const after = await listed();
		expect(!after.some((d) => /^evil/.test(d)),
		    `descriptions: ${after.join(', ')}`);
		expect(after.length === before.length,
		    `${before.length} tokens before, ${after.length} after`);
	});

	// Sign out.
	await check('signing out shows the login form and ends the session',
	    async () => {
		await page.getByRole('button', { name: 'Sign out' }).click();
		await page.getByRole('button', { name: 'Sign in' }).waitFor();
		await page.getByText('You have signed out.').waitFor();
		const s = await page.evaluate(async () =>
		    (await fetch('../api/whoami')).status);
		expect(s === 401, `whoami after sign out: ${s}`);
		await shot(page, 'signed-out');
	});
	await check('no script error and no CSP violation on the page', async () => {
		expect(problems.length === 0, problems.join('\n'));
	});
}

async function containerToken(page) {
	const tokenFor = page.getByLabel('Token for');
	const reason = page.getByLabel('Reason (required)', { exact: true });
	const cdesc = `container ${Date.now()}`;
	const creason = `browser test of container ${CNAME}`;
	const perm = (p) => page.getByRole('checkbox', { name: p, exact: true });
	const containerRows = () => page.locator('#token-rows tr',
	    { hasText: cdesc });
	if (!await check('"Token for" offers Personal and the container',
	    async () => {
		await tokenFor.waitFor();
		const opts = await tokenFor.locator('option').allInnerTexts();
		expect(opts[0] === 'Personal (acts as you)' &&
		    opts.some((o) => o.includes(CNAME)),
		    `options: ${opts.join(' | ')}`);
		expect(await tokenFor.inputValue() === '', 'personal is not the default');
		expect(await page.locator('#container-fields').isHidden(),
		    'container fields shown for a personal token');
	}))
		return;
	await check('choosing the container offers only read and access, with labels',
	    async () => {
		await tokenFor.selectOption(String(CID));
		await reason.waitFor();
		await perm('read').waitFor();
		await perm('access').waitFor();
		expect(await perm('write').count() === 0, 'write is offered');
		expect(await perm('manage').count() === 0, 'manage is offered');
		const boxes = await page.locator('#perm-boxes input[type=checkbox]')
		    .evaluateAll((l) => l.map((b) => b.value));
		expect(boxes.join(',') === 'read,access', `boxes: ${boxes}`);
		await shot(page, 'container-chosen');
	});
	const count = async () => page.evaluate(async (cid) => {
		const r = await fetch(`../api/tokens?kind=container&container=${cid}`,
		    { cache: 'no-store' });
		return (await r.json()).tokens.length;
	}, CID);
	const before = await count();
	await check('without a reason the API error is shown and nothing is made',
	    async () => {
		await page.getByLabel('Description').fill(cdesc);
		await perm('read').check();
		await reason.fill('');
		await page.getByRole('button', { name: 'Create token' }).click();
		await page.locator('#create-error')
		    .filter({ hasText: 'missing_field: reason' }).waitFor();
		const t = await page.locator('#create-error').innerText();
		expect(/needs a reason/.test(t), `error: ${t}`);
		expect(await page.locator('#new-token').isHidden(),
		    'a token box is shown');
		const n = await count();
		expect(n === before, `${before} container tokens before, ${n} after`);
		await shot(page, 'container-no-reason');
	});
	let token = null;
	if (!await check('with a reason and read the container token is shown once',
	    async () => {
		await reason.fill(creason);
		await page.getByRole('button', { name: 'Create token' }).click();
		const box = page.locator('#new-token');
		await box.waitFor();
		await box.getByText('it will not be shown again').waitFor();
		token = await page.getByRole('textbox', { name: 'New token' }).inputValue();
		expect(/^atk_[A-Za-z0-9]{36}$/.test(token), `token: ${token}`);
		expect(await page.locator('#create-error').innerText() === '',
		    'the old error is still shown');
		await page.getByText(`Token for container ${CNAME} created.`).waitFor();
		await page.getByRole('button', { name: 'Copy', exact: true }).click();
		await page.getByText('Copied to the clipboard.').waitFor();
		await shot(page, 'container-token-shown');
	}))
		return;
	const hint = `atk_...${token.slice(-4)}`;
	await check('the container token may read the container (check 200)', async () => {
		const r = curlToken(token, `/api/containers/${CID}/check?permission=read`);
		expect(r.status === 200 && r.body && r.body.allowed === true,
		    `status ${r.status}: ${JSON.stringify(r.body)}`);
	});
	await check('the container token may not write there (check 403)', async () => {
		const r = curlToken(token, `/api/containers/${CID}/check?permission=write`);
		expect(r.status === 403 && r.body && r.body.reason === 'insufficient_scope',
		    `status ${r.status}: ${JSON.stringify(r.body)}`);
	});
	await check('the list shows the container token: container, permissions, reason',
	    async () => {
		await page.getByRole('button', { name: 'I have copied it' }).click();
		const row = containerRows();
		await row.waitFor();
		const text = await row.innerText();
		expect(text.includes(hint), `row: ${text}`);
		expect(!text.includes(token), 'the row holds the plain token');
		expect(text.includes(`Container ${CNAME}`), `row: ${text}`);
		expect(text.includes(creason), `row: ${text}`);
		const perms = await row.locator('td[data-label="For"] .perm-list')
		    .innerText();
		expect(perms.trim() === 'permissions: read', `permissions: ${perms}`);
		expect(/active/.test(text), `row: ${text}`);
		await shot(page, 'container-token-listed');
	});
	const dialog = page.getByRole('dialog');
	await check('revoking the container token asks, then it leaves the list',
	    async () => {
		await page.getByRole('button',
		    { name: `Revoke token ${hint} (${cdesc})` }).click();
		await dialog.waitFor();
		const t = await dialog.innerText();
		expect(t.includes(hint) && t.includes(CNAME) &&
		    t.includes('cannot be undone'), `dialog: ${t}`);
		await shot(page, 'container-revoke-confirm');
		await dialog.getByLabel('Reason (optional)').fill('browser test done');
		await dialog.getByRole('button', { name: 'Revoke token' }).click();
		await dialog.waitFor({ state: 'hidden' });
		await page.getByText(`Token ${hint} revoked.`).waitFor();
		await containerRows().waitFor({ state: 'detached' });
		await shot(page, 'container-revoked');
	});
	await check('the revoked container token gets 401 token_revoked', async () => {
		const r = curlToken(token, `/api/containers/${CID}/check?permission=read`);
		expect(r.status === 401 && r.body && r.body.reason === 'token_revoked',
		    `status ${r.status}: ${JSON.stringify(r.body)}`);
	});
	await check('"Token for" goes back to Personal', async () => {
		await tokenFor.selectOption('');
		await page.locator('#container-fields').waitFor({ state: 'hidden' });
	});
}

main().then(() => process.exit(fails ? 1 : 0), (e) => {
	notOk('token_page.mjs runs to its end', e && e.stack ? e.stack : e);
	process.exit(1);
});
