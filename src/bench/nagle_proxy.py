"""A plain Python http.server proxy in front of a Direct Connect endpoint, for
`dxconform bench`'s Nagle rows: it writes each answer's head and body in two
writes, as http.server does, with Nagle on (the default) or off (--nodelay).

usage: python3 nagle_proxy.py UPSTREAM_HOST:PORT [--nodelay]
Prints the port it listens on (127.0.0.1), then serves until killed.
"""
import http.client
import http.server
import socket
import sys
import threading

UPSTREAM = sys.argv[1]
NODELAY = "--nodelay" in sys.argv[2:]
local = threading.local()


def upstream():
    conn = getattr(local, "conn", None)
    if conn is None:
        host, port = UPSTREAM.rsplit(":", 1)
        conn = local.conn = http.client.HTTPConnection(host, int(port), timeout=30)
    return conn


class Proxy(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self):
        super().setup()
        if NODELAY:
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length") or 0))
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
        try:
            conn = upstream()
            conn.request("POST", self.path, body, headers)
            answer = conn.getresponse()
            data = answer.read()
        except (OSError, http.client.HTTPException):
            local.conn = None
            self.send_error(502)
            return
        self.send_response(answer.status)
        for name, value in answer.getheaders():
            if name.lower() not in ("content-length", "connection", "transfer-encoding", "date", "server"):
                self.send_header(name, value)
        self.send_header("content-length", str(len(data)))
        self.end_headers()  # the head goes out here, in one write
        self.wfile.write(data)  # the body in a second

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
server.daemon_threads = True
print(server.server_address[1], flush=True)
server.serve_forever()
