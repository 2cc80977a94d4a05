package org.weverywhere.config;

/** The HTTP bulk channel's listening address ({@code *} for every address). */
public record HttpSettings(String host, int port) {}
