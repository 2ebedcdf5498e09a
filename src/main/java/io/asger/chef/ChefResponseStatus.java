package io.asger.chef;

import io.asger.errors.Failures;

/**
 * Words for a Chef Server answer (camel-http is called with throwExceptionOnFailure=false); the kind of each failure
 * is {@link Failures#forStatus}'s. 2xx is success; 404 on DELETE means the object is already gone, which is what
 * asger wanted. 404 on anything else means asger.chef.url (or its organization) is wrong. 401/403 name the client
 * and the usual causes.
 */
public class ChefResponseStatus {

    private String clientName;

    public void check(int status, String method, String request) {
        String what = "Chef " + method + " " + request;
        if (Failures.isSuccess(status)) {
            return;
        }
        if (status == 404 && "DELETE".equalsIgnoreCase(method)) {
            return;
        }
        if (status == 401 || status == 403) {
            throw Failures.forStatus(status, what + " was refused with " + status + " for client '" + clientName + "': "
                    + (status == 401
                            ? "the key in asger.chef.key-file does not match the client's public key on the server, "
                                    + "the client does not exist, or this host's clock is off (Chef allows 15 minutes of skew)"
                            : "the client is known but lacks the rights for this (it needs read on nodes for search, "
                                    + "delete on nodes and clients)"));
        }
        if (status == 404) {
            throw Failures.forStatus(status, what + " answered 404: check asger.chef.url, including its /organizations/ORG part");
        }
        throw Failures.forStatus(status, what + " answered " + status);
    }

    public void setClientName(String clientName) {
        this.clientName = clientName;
    }
}
