package org.weverywhere.config;

/** One {@code key = value} line of a configuration file, before its key and value are checked. */
record ConfigLine(String key, String value, Origin.InFile origin) {}
