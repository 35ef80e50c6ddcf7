#include "app/commands/commands.hpp"

int main(int argc, char** argv) {
  return scratch::app::run_cli(argc, argv);
}
