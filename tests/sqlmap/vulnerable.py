#!/usr/bin/env python3
"""tests/sqlmap/vulnerable.py: the control target of the sqlmap checks.

A deliberately injectable HTTP endpoint on 127.0.0.1 (an in-memory SQLite
table queried by string concatenation), so every sqlmap run also shows that
sqlmap works here and that its findings are counted: a run that finds
nothing in it is a broken run, not a clean one.

    vulnerable.py PORTFILE    listens on a free loopback port, writes it to
                              PORTFILE, serves GET /item?id=N until killed
"""
import http.server
import sqlite3
import sys

db = sqlite3.connect(":memory:", check_same_thread=False)
db.executescript("CREATE TABLE items (id INTEGER, name TEXT);"
                 "INSERT INTO items VALUES (1, 'apple'), (2, 'pear');")


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        path, _, query = self.path.partition("?")
        params = dict(p.partition("=")[::2] for p in query.split("&") if p)
        if path != "/item" or "id" not in params:
            self.answer(404, "no such page")
            return
        from urllib.parse import unquote_plus
        sql = "SELECT name FROM items WHERE id = " + unquote_plus(params["id"])
        try:
            rows = db.execute(sql).fetchall()
        except sqlite3.Error:
            self.answer(500, "error")
            return
        self.answer(200, "items: " + ", ".join(r[0] for r in rows))

    def answer(self, status, text):
        body = (text + "\n").encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def main():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    with open(sys.argv[1], "w") as f:
        f.write("%d\n" % server.server_address[1])
    server.serve_forever()


if __name__ == "__main__":
    main()
