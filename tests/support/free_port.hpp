// Finds a TCP port on 127.0.0.1 that is free right now, for servers started by tests.
#pragma once

namespace scratch::test {

// Binds 127.0.0.1:0, reads the port the kernel picked, and closes the socket.
// The port is only free "for now": another process may grab it before it is used.
int free_tcp_port();

}  // namespace scratch::test
