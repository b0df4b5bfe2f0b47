#pragma once

#include "kb/kbloader.h"
#include "kb/patternset.h"
#include "reply/enhancedstatus.h"

#include <QHash>
#include <memory>

namespace smtpscope::core {

class KnowledgeBase;

/// The outcome of loading: a knowledge base, or the errors that prevented it.
struct KbLoadResult
{
    std::shared_ptr<const KnowledgeBase> kb;
    QList<KbError> errors;

    bool ok() const { return kb != nullptr; }
    QString errorText() const;
};

/// Where a rule matched: the rule and the matched words (offsets into the matched text).
struct RuleMatch
{
    const RuleEntry *rule = nullptr;
    QString text; ///< the text that was matched
    qsizetype start = -1;
    qsizetype length = 0;

    QString matchedWords() const { return start < 0 ? QString() : text.mid(start, length); }
};

/// What the scope of a decoding is: where the reply came from.
struct ProviderScope
{
    QStringList providerIds; ///< in order of how they were found
    QStringList why; ///< one line each: "remote host mx.google.com", "recipient domain gmail.com", …
};

/// The loaded, validated and compiled knowledge base: code meanings, provider and text rules.
/// Immutable once built, so one instance is shared by every thread.
class KnowledgeBase
{
public:
    /// Loads the built-in files (compiled into the binary) plus any user files.
    static KbLoadResult load(const QStringList &userFiles = {});
    /// Loads exactly the given sources (tests, tools).
    static KbLoadResult load(const QList<KbSource> &sources);
    /// The built-in knowledge base, loaded once; null only if the build shipped a broken one.
    static std::shared_ptr<const KnowledgeBase> builtIn();
    static QList<KbSource> builtInSources();

    const ReasonEntry *reason(const QString &id) const;
    const ActionEntry *action(const QString &id) const;
    const RetryPolicy *retryPolicy(const QString &id) const;
    const ReplyCodeEntry *replyCode(int code) const;
    const ClassEntry *statusClass(int statusClass) const;
    const SubjectEntry *subject(int subject) const;
    const EnhancedCodeEntry *enhancedCode(int subject, int detail) const;
    const ProviderEntry *provider(const QString &id) const;
    const RuleEntry *rule(const QString &id) const;

    const KbData &data() const { return m_data; }
    /// Identifies the rules that produced a classification (stored with history rows).
    QString version() const { return m_version; }

    /// Providers whose rules apply, from the remote host, recipient domain and reply text.
    ProviderScope scope(const QString &remoteHost, const QString &recipientDomain, const QString &text) const;

    /// The winning rule for @p text: a provider rule in scope first, then a generic rule; first in
    /// file order within a tier. Rules restricted to other classes or statuses are skipped.
    RuleMatch match(
        const QString &text, int replyClass, const EnhancedStatus &status, const QStringList &providerIds) const;

private:
    KnowledgeBase() = default;

    KbData m_data;
    QString m_version;
    QHash<QString, qsizetype> m_reasons, m_actions, m_retry, m_providers, m_rules;
    QHash<int, qsizetype> m_replyCodes, m_classes, m_subjects, m_enhanced;
    PatternSet m_rulePatterns; ///< index = rule index
    PatternSet m_markerPatterns;
    QList<qsizetype> m_markerProvider; ///< marker pattern index -> provider index
    PatternSet m_hostPatterns;
    QList<qsizetype> m_hostProvider;
    QHash<QString, qsizetype> m_domainProvider;
};

} // namespace smtpscope::core
