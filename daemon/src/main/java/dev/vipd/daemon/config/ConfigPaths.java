package dev.vipd.daemon.config;

import java.util.List;
import java.util.regex.Pattern;

/** Small shape checks shared by the binders: paths, argv lists, interface names. */
final class ConfigPaths {

  /** Linux interface names: at most 15 bytes (IFNAMSIZ - 1), no '/', ':' or whitespace. */
  private static final Pattern INTERFACE = Pattern.compile("[A-Za-z0-9_.@-]{1,15}");

  private ConfigPaths() {}

  static boolean isAbsolute(String path) {
    return path.startsWith("/") && path.indexOf('\0') < 0;
  }

  /** A command to exec without a shell: an absolute program and non-empty arguments. */
  static boolean isArgv(List<String> argv) {
    return !argv.isEmpty()
        && isAbsolute(argv.get(0))
        && argv.stream().noneMatch(String::isEmpty);
  }

  static boolean isInterfaceName(String name) {
    return INTERFACE.matcher(name).matches();
  }
}
