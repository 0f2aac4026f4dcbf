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
		if (d.reason === 'invalid_field' && d.field === 'expires_in')
			return 'That expiry is longer than this server allows.';
		if (d.reason === 'invalid_field' && d.field)
			return 'The ' + d.field + ' is not valid.';
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
		$('login-error').textContent = note || '';
		$('password').value = '';
		$('login').focus();
	}

	function showTokens(login) {
		$('who-login').textContent = login;
		$('who').hidden = false;
		$('login-view').hidden = true;
		$('tokens-view').hidden = false;
		return loadTokens();
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

	function render(list) {
		var rows = $('token-rows');
		rows.textContent = '';
		list.forEach(function (t) {
			var tr = document.createElement('tr'), code, btn, st;
			tr.setAttribute('data-id', t.id);
			code = document.createElement('code');
			code.textContent = t.apiToken;
			cell(tr, 'Token', code);
			cell(tr, 'Description', t.description || '\u2014');
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
			btn.setAttribute('aria-label', 'Revoke token ' + t.apiToken +
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

	function loadTokens() {
		return api('GET', 'getApiTokens').then(function (r) {
			if (sessionGone(r))
				return;
			if (r.status !== 200 || !Array.isArray(r.data)) {
				say(message(r));
				return;
			}
			render(r.data);
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
		var body = { description: $('description').value }, exp;
		ev.preventDefault();
		exp = $('expires').value;
		if (exp !== '')
			body.expires_in = Number(exp);
		$('create-error').textContent = '';
		api('POST', 'createApiToken', body).then(function (r) {
			if (sessionGone(r))
				return;
			if (r.status !== 200 || !r.data || !r.data.apiToken) {
				$('create-error').textContent = message(r);
				return;
			}
			$('description').value = '';
			showToken(r.data.apiToken);
			say('Token created.');
			return loadTokens();
		});
	}

	function askRevoke(t, btn) {
		var dlg = $('revoke-dialog');
		revoking = { token: t, button: btn };
		$('revoke-hint').textContent = t.apiToken;
		$('revoke-desc').textContent = t.description ?
		    '(' + t.description + ')' : '';
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
			say('Token ' + t.apiToken + ' revoked.');
			return loadTokens().then(function () {
				$('list-title').focus();
			});
		});
	}

	function start() {
		$('login-form').addEventListener('submit', onLogin);
		$('create-form').addEventListener('submit', onCreate);
		$('revoke-form').addEventListener('submit', onRevoke);
		$('revoke-cancel').addEventListener('click', closeRevoke);
		$('revoke-dialog').addEventListener('cancel', function () {
			revoking = null;
		});
		$('logout').addEventListener('click', onLogout);
		$('refresh').addEventListener('click', function () {
			say('');
			loadTokens();
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
