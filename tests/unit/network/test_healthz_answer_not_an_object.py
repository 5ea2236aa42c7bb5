"""An operations address answering /healthz with 200 and JSON that is not an object (something else listens on
the port, a proxy's page): an unhealthy answer, as one that is not JSON is, never an AttributeError that would
end `recfin network status` or a wait for the node."""
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from network import probes


def _answering(body: bytes):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    return Handler


@pytest.mark.parametrize("answer", [[], "x", 3, None, ["status", "OK"]])
def test_healthz_answering_json_that_is_not_an_object_is_unhealthy(answer):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _answering(json.dumps(answer).encode()))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        assert probes.healthy(f"127.0.0.1:{server.server_address[1]}") is False
    finally:
        server.shutdown()
        server.server_close()
