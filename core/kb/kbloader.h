#pragma once

#include "kb/kbtypes.h"

#include <QByteArray>

namespace smtpscope::core {

/// One knowledge base file: its name (for messages) and contents.
struct KbSource
{
    QString name;
    QByteArray data;
    bool user = false; ///< a user's file: its entries may replace built-in ones with the same id
};

/// A problem found while loading the knowledge base, naming the file and the entry.
struct KbError
{
    QString file;
    QString entry; ///< "rules[12] (gmail.unauthenticated)", empty for file-level errors
    QString message;

    QString toString() const;
};

/// Everything the knowledge base files say, merged and cross-checked, not yet compiled.
struct KbData
{
    QList<ReasonEntry> reasons;
    QList<ActionEntry> actions;
    QList<RetryPolicy> retryPolicies;
    QList<ReplyCodeEntry> replyCodes;
    QList<ClassEntry> classes;
    QList<SubjectEntry> subjects;
    QList<EnhancedCodeEntry> enhancedCodes;
    QList<ProviderEntry> providers;
    QList<RuleEntry> rules;
};

/// Reads knowledge base files (docs/knowledge-base.md), validating schema and references.
class KbLoader
{
public:
    static KbData load(const QList<KbSource> &sources, QList<KbError> *errors);
    /// Reads a file from disk (or a Qt resource) as a source.
    static KbSource readFile(const QString &path, bool user, QList<KbError> *errors);
};

} // namespace smtpscope::core
