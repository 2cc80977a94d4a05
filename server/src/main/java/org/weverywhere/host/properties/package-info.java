/**
 * The daemon's configuration sections as MicroProfile Config typed mappings ({@code
 * ConfigProperties} classes): a bean takes its section with {@code @Inject @ConfigProperties}, and
 * every value comes through MicroProfile Config's sources (the files at 250, the environment at
 * 300, system properties at 400) and the registered unit converters. The container fills a mapping
 * once, when it deploys the application, so an injected mapping holds the values a bean starts
 * with; a bean that applies a section live reads it again with {@link
 * org.weverywhere.host.RunningConfig#section} when {@link org.weverywhere.host.ConfigChanged} says
 * the configuration was replaced.
 *
 * <p>{@code group.<name>.*} and {@code services.<name>.*} have no mapping: their names are the host
 * owner's, and a mapping binds a fixed prefix to fixed fields. Beans read them from the typed
 * {@link org.weverywhere.config.Config}, which {@link
 * org.weverywhere.config.ConfigLoader#outrankedBy} builds by asking the same MicroProfile Config
 * for every {@code group.<name>.*} key of each group and every {@code services.<name>.*} key of
 * each service the files name, so the environment and system properties outrank the files there
 * too.
 */
package org.weverywhere.host.properties;
