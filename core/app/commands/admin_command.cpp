// `scratchd admin ...`: account administration from the shell, for the first admin and for recovery.
#include <termios.h>
#include <unistd.h>

#include <iostream>

#include "app/commands/commands.hpp"
#include "auth/auth_service.hpp"
#include "db/transaction.hpp"
#include "http/problem.hpp"

namespace scratch::app {
namespace {

// One line from stdin; with a terminal, prompt and don't echo.
std::string read_password() {
  const bool tty = isatty(STDIN_FILENO);
  termios old_term{};
  if (tty) {
    std::cerr << "Password (at least 10 characters): " << std::flush;
    tcgetattr(STDIN_FILENO, &old_term);
    termios quiet = old_term;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  std::string line;
  std::getline(std::cin, line);
  if (tty) {
    tcsetattr(STDIN_FILENO, TCSANOW, &old_term);
    std::cerr << "\n";
  }
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n'))
    line.pop_back();
  return line;
}

std::string required_flag(const CliArgs& args, const std::string& name) {
  auto it = args.flags.find(name);
  if (it == args.flags.end() || it->second.empty()) throw ConfigError("--" + name + " is required");
  return it->second;
}

}  // namespace

int admin_command(const Config& config, const CliArgs& args) {
  const std::string sub = args.words.size() > 1 ? args.words[1] : "";
  if (sub != "create-user" && sub != "set-role") {
    std::cerr << "usage: scratchd admin create-user --email E [--admin]   (password on stdin)\n"
                 "       scratchd admin set-role --email E --role USER|ADMIN\n";
    return 2;
  }
  const std::string email = required_flag(args, "email");
  std::string role;
  if (sub == "set-role") {
    role = required_flag(args, "role");
    if (role != "USER" && role != "ADMIN") throw ConfigError("--role must be USER or ADMIN");
  }
  migrate_with_wait(config);
  db::ConnectionPool pool({config.database_url, 1, std::chrono::milliseconds(5000)});
  try {
    if (sub == "create-user") {
      role = args.flags.count("admin") ? "ADMIN" : "USER";
      auth::AuthService service(pool, auth::AuthSettings{}, auth::PasswordHasher{});
      const auth::User user = service.create_user(email, read_password(), role);
      std::cout << "created " << user.role << " " << user.email << " (id " << user.id << ")\n";
      return 0;
    }
    const bool changed =
        db::with_transaction(pool, [&](pqxx::work& tx) { return auth::set_user_role(tx, email, role); });
    if (!changed) {
      std::cerr << "scratchd: no account with email " << email << "\n";
      return 1;
    }
    std::cout << email << " is now " << role << "\n";
    return 0;
  } catch (const http::ApiError& e) {
    std::cerr << "scratchd: " << e.code() << ": " << (e.detail().empty() ? e.title() : e.detail()) << "\n";
    return 1;
  }
}

}  // namespace scratch::app
