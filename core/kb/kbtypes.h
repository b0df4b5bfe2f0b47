#pragma once

#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>

namespace smtpscope::core {

// Plain value types for the entries of the knowledge base (format: docs/knowledge-base.md).

struct ReasonEntry
{
    QString id;
    QString title;
    QString description;
};

struct ActionEntry
{
    QString id;
    QString title;
    QString description;
};

struct RetryPolicy
{
    QString id;
    QString retry; ///< the CLI contract's value: "backoff", "slow" or "never"
    QStringList schedule; ///< as written ("1m", "5m", …)
    QList<qint64> scheduleSeconds;
    QString giveUpAfter;
    qint64 giveUpAfterSeconds = 0;
    QString description;
};

/// What to conclude: the reason, what to do and how to retry.
struct Outcome
{
    QString reason;
    QString action;
    QString retry; ///< a retry policy id
    QString advice;
};

struct ReplyCodeEntry
{
    int code = 0;
    QString title;
    QString meaning;
    QString reference;
    QStringList enhanced;
    Outcome outcome;
};

struct ClassEntry
{
    int statusClass = 0;
    QString title;
    QString meaning;
};

struct SubjectEntry
{
    int subject = 0;
    QString title;
    QString meaning;
};

struct EnhancedCodeEntry
{
    QString code; ///< "X.1.1"
    int subject = 0;
    int detail = 0;
    QString title;
    QString meaning;
    QString reference;
    QList<int> basicCodes;
    bool deprecated = false;
    Outcome transient; ///< the 4.x.x form
    Outcome permanent; ///< the 5.x.x form

    const Outcome &outcomeFor(int statusClass) const { return statusClass == 4 ? transient : permanent; }
};

struct ProviderEntry
{
    QString id;
    QString name;
    QStringList hosts; ///< RE2 patterns over the remote host name
    QStringList domains; ///< recipient domains the provider hosts
    QStringList markers; ///< RE2 patterns over reply text only this provider writes
};

struct RuleEntry
{
    QString id;
    QString provider; ///< empty for a generic text rule
    QString pattern;
    QList<int> replyClasses;
    QStringList statuses;
    Outcome outcome;
    QString meaning;
    QString source;
    QString origin; ///< the file the rule came from
};

} // namespace smtpscope::core
