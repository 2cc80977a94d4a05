/**
 * Services: named pools of kept instances of a library, whose state persists between calls, each
 * running under a Signature Group's quota, restarted with backoff when an instance fails.
 */
package org.weverywhere.service;
