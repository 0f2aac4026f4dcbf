/*
 * app.js: the browser page of apitoken (/app/). Plain JavaScript, no
 * framework. It only calls the JSON API of the same origin with fetch():
 * the browser sends the HttpOnly session cookie and Sec-Fetch-Site itself,
 * this script never sees the cookie. Every text from the server goes into
 * the page with textContent, never as HTML.
 */
(function () {
	'use strict';

	var API = '../api/';
	var $ = function (id) { return document.getElementById(id); };
	var revoking = null;	/* the token entry the dialog is about */
	var PERMS = ['read', 'write', 'manage', 'access'];
	var containers = [];	/* GET /api/containers: {id, name, permissions} */

	var MESSAGES = {
		invalid_login: 'Wrong login or password.',
		missing_field: 'Please fill in every field.',
		csrf_check_failed: 'The request was refused as cross-site. Reload the page and try again.',
		token_limit_reached: 'You have reached the maximum number of tokens. Revoke one first.',
		insufficient_scope: 'You are not allowed to do that.',
		database_unavailable: 'The service is unavailable. Try again in a few seconds.',
		no_such_token: 'That token no longer exists.',
		user_disabled: 'This account is disabled.'
	};

	function message(r) {
		var d = r.data || {};
		if (r.status === 0)
			return 'The server cannot be reached.';
		if (d.reason === 'missing_field' && d.field === 'reason')
			return 'A container token needs a reason: fill in ' +
			    '\u201cReason\u201d (the server answered ' + r.status +
			    ' missing_field: reason).';
		if (d.reason === 'missing_field' && d.field === 'permissions')
			return 'Tick at least one permission (the server answered ' +
			    r.status + ' missing_field: permissions).';
		if (d.reason === 'missing_field' && d.field)
			return 'The ' + d.field + ' is required (the server answered ' +
			    r.status + ' missing_field).';
		if (d.reason === 'insufficient_scope' && d.permission)
			return 'You do not hold the ' + d.permission +
			    ' permission there (the server answered ' + r.status +
			    ' insufficient_scope).';
		if (d.reason === 'invalid_field' && d.field === 'expires_in')
			return 'That expiry is longer than this server allows.';
		if (d.reason === 'invalid_field' && d.field)
			return 'The ' + d.field + ' is not valid.';
		if (d.reason === 'no_such_container')
			return 'That container no longer exists or you are no ' +
			    'longer a member of it.';
		if (d.reason && MESSAGES[d.reason])
			return MESSAGES[d.reason];
		return 'The request failed (' + r.status +
		    (d.reason ? ', ' + d.reason : '') + ').';
	}

	/* One JSON API call: {status, data}; status 0 when the network failed. */
	function api(method, path, body) {
		var opt = {
			method: method,
			credentials: 'same-origin',
			cache: 'no-store',
			headers: { 'Accept': 'application/json' }
		};
		if (body !== undefined) {
			opt.headers['Content-Type'] = 'application/json';
			opt.body = JSON.stringify(body);
		}
		return fetch(API + path, opt).then(function (res) {
			return res.json().catch(function () { return null; })
			    .then(function (data) {
				return { status: res.status, data: data };
			});
		}, function () {
			return { status: 0, data: null };
		});
	}

	function say(text) {
		$('status').textContent = text || '';
	}

	function fmtTime(ms, none) {
		var t, d;
		if (ms === null || ms === undefined)
			return document.createTextNode(none);
		d = new Date(ms);
		t = document.createElement('time');
		t.dateTime = d.toISOString();
		t.textContent = d.toLocaleString(undefined, {
			year: 'numeric', month: 'short', day: 'numeric',
			hour: '2-digit', minute: '2-digit'
		});
		return t;
	}

	/* ------------------------------------------------------------ views */

	function showLogin(note) {
		$('who').hidden = true;
		$('tokens-view').hidden = true;
		$('login-view').hidden = false;
		forgetToken();
		$('token-rows').textContent = '';
		containers = [];
		fillContainers();
		$('login-error').textContent = note || '';
		$('password').value = '';
		$('login').focus();
	}

	function showTokens(login) {
		$('who-login').textContent = login;
		$('who').hidden = false;
		$('login-view').hidden = true;
		$('tokens-view').hidden = false;
		return loadContainers().then(loadTokens);
	}

	/* A 401 in the middle of things: the session ended. */
	function sessionGone(r) {
		if (r.status !== 401)
			return false;
		showLogin('Your session has ended. Please sign in again.');
		return true;
	}

	function cell(row, label, content) {
		var td = document.createElement('td');
		td.setAttribute('data-label', label);
		if (typeof content === 'string')
			td.textContent = content;
		else
			td.appendChild(content);
		row.appendChild(td);
		return td;
	}

	function containerName(id) {
		var i;
		for (i = 0; i < containers.length; i++)
			if (String(containers[i].id) === String(id))
				return containers[i].name;
		return 'container #' + id;
	}

	/* "Personal", or the container and, below it, the permissions. */
	function forWhom(t) {
		var box, name, perms;
		if (t.kind !== 'container')
			return 'Personal';
		box = document.createElement('span');
		name = document.createElement('span');
		name.className = 'for-name';
		name.textContent = 'Container ' + t.containerName;
		perms = document.createElement('small');
		perms.className = 'perm-list';
		perms.textContent = 'permissions: ' +
		    ((t.permissions || []).join(', ') || 'none');
		box.appendChild(name);
		box.appendChild(perms);
		return box;
	}

	function render(list) {
		var rows = $('token-rows');
		rows.textContent = '';
		list.forEach(function (t) {
			var tr = document.createElement('tr'), code, btn, st;
			tr.setAttribute('data-id', t.id);
			tr.setAttribute('data-kind', t.kind);
			code = document.createElement('code');
			code.textContent = t.hint;
			cell(tr, 'Token', code);
			cell(tr, 'For', forWhom(t));
			cell(tr, 'Description', t.description || '\u2014');
			cell(tr, 'Reason', t.reason || '\u2014');
			cell(tr, 'Created', fmtTime(t.created, '\u2014'));
			cell(tr, 'Last used', fmtTime(t.lastUsed, 'never'));
			cell(tr, 'Expires', fmtTime(t.expires, 'never'));
			st = document.createElement('span');
			st.className = 'state state-' + t.state;
			st.textContent = t.state;
			cell(tr, 'State', st);
			btn = document.createElement('button');
			btn.type = 'button';
			btn.className = 'danger small-button';
			btn.textContent = 'Revoke';
			btn.setAttribute('aria-label', 'Revoke token ' + t.hint +
			    (t.description ? ' (' + t.description + ')' : ''));
			btn.addEventListener('click', function () {
				askRevoke(t, btn);
			});
			cell(tr, 'Actions', btn);
			rows.appendChild(tr);
		});
		$('token-table').hidden = list.length === 0;
		$('empty').hidden = list.length !== 0;
	}

	/*
	 * The list: the caller's personal tokens (getApiTokens, whose apiToken
	 * is the hint) and the active container tokens they may see
	 * (GET /api/tokens?kind=container), newest first.
	 */
	function loadTokens() {
		return Promise.all([
			api('GET', 'getApiTokens'),
			api('GET', 'tokens?kind=container&state=active&limit=200')
		]).then(function (rs) {
			var mine = rs[0], cont = rs[1], list = [], seen = {};
			if (sessionGone(mine) || sessionGone(cont))
				return;
			if (mine.status !== 200 || !Array.isArray(mine.data)) {
				say(message(mine));
				return;
			}
			mine.data.forEach(function (t) {
				seen[t.id] = true;
				list.push({
					id: t.id, kind: 'personal', hint: t.apiToken,
					description: t.description, reason: null,
					created: t.created, lastUsed: t.lastUsed,
					expires: t.expires, state: t.state
				});
			});
			if (cont.status === 200 && cont.data &&
			    Array.isArray(cont.data.tokens)) {
				cont.data.tokens.forEach(function (t) {
					if (seen[t.id] || t.state === 'revoked')
						return;
					list.push({
						id: t.id, kind: 'container', hint: t.hint,
						container: t.container,
						containerName: containerName(t.container),
						permissions: t.permissions,
						description: t.description, reason: t.reason,
						created: t.created, lastUsed: t.lastUsed,
						expires: t.expires, state: t.state
					});
				});
			} else {
				say('Container tokens could not be listed: ' +
				    message(cont));
			}
			list.sort(function (a, b) {
				return (b.created || 0) - (a.created || 0);
			});
			render(list);
		});
	}

	/* --------------------------------------------- containers, "Token for" */

	function loadContainers() {
		return api('GET', 'containers').then(function (r) {
			if (r.status === 200 && r.data &&
			    Array.isArray(r.data.containers))
				containers = r.data.containers;
			else
				containers = [];
			fillContainers();
		});
	}

	/* The choice offers the containers on which the caller holds access. */
	function fillContainers() {
		var sel = $('token-for'), keep = sel.value;
		while (sel.options.length > 1)
			sel.remove(1);
		containers.forEach(function (c) {
			var o;
			if ((c.permissions || []).indexOf('access') < 0)
				return;
			o = document.createElement('option');
			o.value = String(c.id);
			o.textContent = 'Container ' + c.name;
			sel.appendChild(o);
		});
		sel.value = keep;
		if (sel.value !== keep)
			sel.value = '';
		sel.disabled = sel.options.length < 2;
		onTokenFor();
	}

	function chosenContainer() {
		var id = $('token-for').value, i;
		if (id === '')
			return null;
		for (i = 0; i < containers.length; i++)
			if (String(containers[i].id) === id)
				return containers[i];
		return null;
	}

	/* Personal or container: the container part shows its permissions. */
	function onTokenFor() {
		var c = chosenContainer(), box = $('perm-boxes');
		box.textContent = '';
		$('create-error').textContent = '';
		$('container-fields').hidden = !c;
		if (!c)
			return;
		PERMS.forEach(function (p) {
			var label, input;
			if ((c.permissions || []).indexOf(p) < 0)
				return;
			label = document.createElement('label');
			label.htmlFor = 'perm-' + p;
			input = document.createElement('input');
			input.type = 'checkbox';
			input.id = 'perm-' + p;
			input.name = 'permissions';
			input.value = p;
			label.appendChild(input);
			label.appendChild(document.createTextNode(p));
			box.appendChild(label);
		});
	}

	/* --------------------------------------------------- the new token */

	function forgetToken() {
		$('new-token-value').value = '';
		$('new-token').hidden = true;
		$('copy-status').textContent = '';
	}

	function showToken(tok) {
		var box = $('new-token'), input = $('new-token-value');
		input.value = tok;
		$('copy-status').textContent = '';
		box.hidden = false;
		box.focus();
		input.select();
	}

	function copyToken() {
		var input = $('new-token-value'), done = function (ok) {
			$('copy-status').textContent = ok ? 'Copied to the clipboard.' :
			    'Copying failed: select the token and copy it by hand.';
		};
		if (navigator.clipboard && window.isSecureContext) {
			navigator.clipboard.writeText(input.value).then(function () {
				done(true);
			}, function () {
				done(false);
			});
			return;
		}
		/* Plain http on a non-local host: the old way. */
		input.focus();
		input.select();
		try {
			done(document.execCommand('copy'));
		} catch (e) {
			done(false);
		}
	}

	/* ------------------------------------------------------- handlers */

	function onLogin(ev) {
		var login = $('login').value.trim(), pw = $('password').value;
		ev.preventDefault();
		if (login === '' || pw === '') {
			$('login-error').textContent = MESSAGES.missing_field;
			return;
		}
		$('login-error').textContent = '';
		api('POST', 'login', { login: login, password: pw }).then(function (r) {
			if (r.status !== 200) {
				$('login-error').textContent = message(r);
				$('password').value = '';
				$('password').focus();
				return;
			}
			$('password').value = '';
			say('');
			showTokens(r.data.user.login);
		});
	}

	function onLogout() {
		api('POST', 'logout', {}).then(function () {
			showLogin('');
			say('You have signed out.');
		});
	}

	function onCreate(ev) {
		var body = { description: $('description').value }, exp, c,
		    path = 'createApiToken', want = 200;
		ev.preventDefault();
		exp = $('expires').value;
		if (exp !== '')
			body.expires_in = Number(exp);
		c = chosenContainer();
		if (c) {
			/* The server checks the reason and the flags itself. */
			path = 'containers/' + encodeURIComponent(c.id) + '/tokens';
			want = 201;
			body.reason = $('reason').value.trim();
			body.permissions = [];
			PERMS.forEach(function (p) {
				var b = $('perm-' + p);
				if (b && b.checked)
					body.permissions.push(p);
			});
		}
		$('create-error').textContent = '';
		api('POST', path, body).then(function (r) {
			if (sessionGone(r))
				return;
			if (r.status !== want || !r.data || !r.data.apiToken) {
				$('create-error').textContent = message(r);
				if (r.data && r.data.field === 'reason')
					$('reason').focus();
				return;
			}
			$('description').value = '';
			$('reason').value = '';
			showToken(r.data.apiToken);
			say(c ? 'Token for container ' + c.name + ' created.' :
			    'Token created.');
			return loadTokens();
		});
	}

	function askRevoke(t, btn) {
		var dlg = $('revoke-dialog');
		revoking = { token: t, button: btn };
		$('revoke-hint').textContent = t.hint;
		$('revoke-desc').textContent = (t.description ?
		    '(' + t.description + ')' : '') +
		    (t.kind === 'container' ? (t.description ? ' ' : '') +
		    'for container ' + t.containerName : '');
		$('revoke-reason').value = '';
		$('revoke-error').textContent = '';
		dlg.showModal();
		$('revoke-cancel').focus();
	}

	function closeRevoke() {
		var back = revoking && revoking.button;
		$('revoke-dialog').close();
		revoking = null;
		if (back && document.body.contains(back))
			back.focus();
	}

	function onRevoke(ev) {
		var t = revoking && revoking.token, reason, path;
		ev.preventDefault();
		if (!t)
			return;
		reason = $('revoke-reason').value.trim();
		path = 'tokens/' + encodeURIComponent(t.id) +
		    (reason ? '?reason=' + encodeURIComponent(reason) : '');
		$('revoke-confirm').disabled = true;
		api('DELETE', path).then(function (r) {
			$('revoke-confirm').disabled = false;
			if (r.status === 401) {
				$('revoke-dialog').close();
				revoking = null;
				sessionGone(r);
				return;
			}
			if (r.status !== 200 && r.status !== 404) {
				$('revoke-error').textContent = message(r);
				return;
			}
			$('revoke-dialog').close();
			revoking = null;
			say('Token ' + t.hint + ' revoked.');
			return loadTokens().then(function () {
				$('list-title').focus();
			});
		});
	}

	function start() {
		$('login-form').addEventListener('submit', onLogin);
		$('create-form').addEventListener('submit', onCreate);
		$('token-for').addEventListener('change', onTokenFor);
		$('revoke-form').addEventListener('submit', onRevoke);
		$('revoke-cancel').addEventListener('click', closeRevoke);
		$('revoke-dialog').addEventListener('cancel', function () {
			revoking = null;
		});
		$('logout').addEventListener('click', onLogout);
		$('refresh').addEventListener('click', function () {
			say('');
			loadContainers().then(loadTokens);
		});
		$('copy-token').addEventListener('click', copyToken);
		$('dismiss-token').addEventListener('click', function () {
			forgetToken();
			$('description').focus();
		});
		$('list-title').tabIndex = -1;

		/* Signed in already? whoami answers 200 for a live session. */
		api('GET', 'whoami').then(function (r) {
			if (r.status === 200 && r.data && r.data.user)
				return showTokens(r.data.user.login);
			if (r.status === 401)
				return showLogin('');
			showLogin('');
			say(message(r));
		});
	}

	if (document.readyState === 'loading')
		document.addEventListener('DOMContentLoaded', start);
	else
		start();
})();
