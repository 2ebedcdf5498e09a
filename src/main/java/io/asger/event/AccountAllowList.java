package io.asger.event;

import java.util.Set;

import io.asger.errors.PermanentFailure;

/**
 * asger.accounts: when set, only events of these AWS accounts reach a task; any other is refused (a permanent
 * failure, dead-lettered with the reason), since no account of yours sends it. Ignored and test events run no task
 * and pass.
 */
public final class AccountAllowList {

    private final Set<String> accounts;

    /** @param accounts empty: every account */
    public AccountAllowList(Set<String> accounts) {
        this.accounts = Set.copyOf(accounts);
    }

    public void check(AsgEvent event) {
        if (accounts.isEmpty() || event.getType() == EventType.IGNORED || event.getType() == EventType.TEST) {
            return;
        }
        if (event.getAccount() == null) {
            throw new PermanentFailure("message " + event.getMessageId() + " names no AWS account, and asger.accounts"
                    + " allows only " + accounts);
        }
        if (!accounts.contains(event.getAccount())) {
            throw new PermanentFailure("message " + event.getMessageId() + ": account " + event.getAccount()
                    + " is not in asger.accounts");
        }
    }
}
