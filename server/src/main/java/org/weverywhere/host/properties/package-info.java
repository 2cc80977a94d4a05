/**
 * The daemon's configuration sections as MicroProfile Config typed mappings ({@code
 * ConfigProperties} classes): a bean takes its section with {@code @Inject @ConfigProperties}, and
 * every value comes through MicroProfile Config's sources (the files at 250, the environment at
 * 300, system properties at 400) and the registered unit converters. The container fills a mapping
 * once, when it deploys the application, so an injected mapping holds the values a bean starts
 * with; a bean that applies a section live reads it again with {@link
 * org.weverywhere.host.RunningConfig#section} when {@link org.weverywhere.host.ConfigChanged} says
 * the configuration was replaced.
 */
package org.weverywhere.host.properties;
