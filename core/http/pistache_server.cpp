// Pistache notes (see shared toolchain notes): its defaults are tiny (1 thread, 4 KiB requests), it answers
// "Connection: Close" unless told otherwise, and it silently drops headers added with addRaw(), so every
// response header goes through DynamicHeader below.
#include "http/pistache_server.hpp"

#include "http/router.hpp"

#include <pistache/endpoint.h>
#include <pistache/http.h>
#include <pistache/peer.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <sstream>

namespace scratch::http {
namespace {

namespace PH = Pistache::Http;

// A response header whose name is chosen at run time.
class DynamicHeader : public PH::Header::Header {
 public:
  DynamicHeader(std::string name, std::string value) : name_(std::move(name)), value_(std::move(value)) {}
  const char* name() const override { return name_.c_str(); }
  uint64_t hash() const override { return PH::Header::detail::hash(name_.c_str()); }
  void write(std::ostream& os) const override { os << value_; }

 private:
  std::string name_;
  std::string value_;
};

std::optional<std::string> find_header(const PH::Request& req, const std::string& name) {
  const auto& headers = req.headers();
  if (auto raw = headers.tryGetRaw(name)) return raw->value();
  try {
    if (auto typed = headers.tryGet(name)) {
      std::ostringstream os;
      typed->write(os);
      return os.str();
    }
  } catch (const std::exception&) {
    // Unknown header names make Pistache's registry throw; treat as absent.
  }
  return std::nullopt;
}

bool wants_close(const PH::Request& req) {
  auto value = find_header(req, "Connection");
  if (!value) return req.version() == PH::Version::Http10;
  std::string v = *value;
  std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return std::tolower(c); });
  return v.find("close") != std::string::npos;
}

// Writes chunked-encoding frames through Peer::send, which only queues them for the reactor thread: the
// safe way to write from another thread in this Pistache version (see the toolchain notes).
class PeerStreamSink : public StreamSink {
 public:
  explicit PeerStreamSink(std::weak_ptr<Pistache::Tcp::Peer> peer) : peer_(std::move(peer)) {}
  bool send(const std::string& data) override { return write(chunk(data)); }
  void close() override {
    if (!closed_.exchange(true)) write("0\r\n\r\n", true);
  }

 private:
  // Generous enough for a burst to a healthy client; a client that stops reading hits it and is dropped.
  static constexpr long long kMaxUnsentBytes = 8 << 20;
  static std::string chunk(const std::string& data) {
    char size[20];
    std::snprintf(size, sizeof size, "%zx\r\n", data.size());
    return size + data + "\r\n";
  }
  bool write(const std::string& bytes, bool final_chunk = false) {
    if (closed_ && !final_chunk) return false;
    auto peer = peer_.lock();
    if (!peer) return false;
    if (unsent_->load() > kMaxUnsentBytes) return false;  // the client stopped reading
    const long long n = static_cast<long long>(bytes.size());
    *unsent_ += n;
    auto unsent = unsent_;
    peer->send(Pistache::RawBuffer(bytes, bytes.size()))
        .then([unsent, n](ssize_t) { *unsent -= n; }, [unsent, n](std::exception_ptr) { *unsent -= n; });
    return true;
  }
  std::weak_ptr<Pistache::Tcp::Peer> peer_;
  std::shared_ptr<std::atomic<long long>> unsent_ = std::make_shared<std::atomic<long long>>(0);
  std::atomic<bool> closed_{false};
};

class PistacheHandler : public PH::Handler {
 public:
  HTTP_PROTOTYPE(PistacheHandler)

  static std::string decode_query_part(std::string text) {
    for (char& c : text)
      if (c == '+') c = ' ';
    return percent_decode(text).value_or(text);
  }

  explicit PistacheHandler(Dispatcher* dispatcher) : dispatcher_(dispatcher) {}

  void onRequest(const PH::Request& req, PH::ResponseWriter writer) override {
    Request request;
    request.method = PH::methodString(req.method());
    request.path = req.resource();
    for (auto it = req.query().parameters_begin(); it != req.query().parameters_end(); ++it) {
      // Pistache hands query parameters over still encoded (application/x-www-form-urlencoded).
      request.query[decode_query_part(it->first)] = decode_query_part(it->second);
    }
    request.body = req.body();
    request.client_address = req.address().host();
    request.header_lookup = [&req](const std::string& name) { return find_header(req, name); };

    Response response = dispatcher_->handle(request);

    bool close = wants_close(req);
    writer.headers().remove<PH::Header::Connection>();
    for (const auto& [name, value] : response.headers) {
      if (name == "Connection") {
        close = close || value == "close";
        continue;
      }
      writer.headers().add(std::make_shared<DynamicHeader>(name, value));
    }
    if (!response.content_type.empty() && response.file_path.empty() && !response.stream) {
      writer.headers().add(std::make_shared<DynamicHeader>("Content-Type", response.content_type));
    }
    writer.headers().add<PH::Header::Connection>(close ? PH::ConnectionControl::Close
                                                       : PH::ConnectionControl::KeepAlive);
    if (response.stream) {
      writer.headers().add(std::make_shared<DynamicHeader>("Content-Type", "text/event-stream"));
      writer.headers().add(std::make_shared<DynamicHeader>("Cache-Control", "no-cache"));
      writer.headers().add(std::make_shared<DynamicHeader>("X-Accel-Buffering", "no"));
      auto stream = writer.stream(PH::Code::Ok);
      stream.flush();
      response.stream(std::make_shared<PeerStreamSink>(writer.getPeer()));
      return;
    }
    if (!response.file_path.empty()) {
      writer.headers().remove<PH::Header::Connection>();
      PH::serveFile(writer, response.file_path, PH::Mime::MediaType::fromString(response.content_type));
      return;
    }
    writer.send(static_cast<PH::Code>(response.status), response.body);
  }

 private:
  Dispatcher* dispatcher_;
};

}  // namespace

PistacheServer::PistacheServer(Options options, Dispatcher& dispatcher)
    : options_(std::move(options)), dispatcher_(dispatcher) {}

PistacheServer::~PistacheServer() {
  if (running_) stop(std::chrono::milliseconds(0));
}

void PistacheServer::start() {
  Pistache::Address address(options_.bind_address, Pistache::Port(static_cast<uint16_t>(options_.port)));
  endpoint_ = std::make_unique<PH::Endpoint>(address);
  // Pistache buffers the whole request; leave room for headers above the body limit so the dispatcher
  // (not Pistache) answers an oversized body, with problem+json.
  auto opts = PH::Endpoint::options()
                  .threads(std::max(1, options_.threads))
                  .flags(Pistache::Tcp::Options::ReuseAddr)
                  .maxRequestSize(options_.max_body_bytes + 64 * 1024)
                  .maxResponseSize(64 * 1024 * 1024)
                  .keepaliveTimeout(std::chrono::seconds(75))
                  // Also bounds how long a response may stream: the event bus ends streams before this.
                  .headerTimeout(std::chrono::seconds(120))
                  .bodyTimeout(std::chrono::seconds(120));
  endpoint_->init(opts);
  endpoint_->setHandler(std::make_shared<PistacheHandler>(&dispatcher_));
  try {
    endpoint_->serveThreaded();
  } catch (const std::exception& e) {
    throw std::runtime_error("cannot listen on " + options_.bind_address + ":" +
                             std::to_string(options_.port) + ": " + e.what());
  }
  running_ = true;
}

void PistacheServer::stop(std::chrono::milliseconds grace) {
  if (!running_) return;
  dispatcher_.begin_drain();
  if (!dispatcher_.wait_idle(std::chrono::steady_clock::now() + grace)) {
    spdlog::warn("shutdown grace period ended with requests still in flight");
  }
  endpoint_->shutdown();
  running_ = false;
}

}  // namespace scratch::http
