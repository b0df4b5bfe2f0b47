#pragma once

#include "kb/knowledgebase.h"

#include <QString>

namespace smtpscope::ui {

/// Readable labels for knowledge base identifiers (reasons, actions, retry policies, reply classes).
class KbText
{
public:
    /// "Unknown recipient (userunknown)", or the bare id when the knowledge base does not know it.
    static QString reason(const core::KnowledgeBase &kb, const QString &id);
    static QString reasonDescription(const core::KnowledgeBase &kb, const QString &id);
    /// "Suppress the address".
    static QString action(const core::KnowledgeBase &kb, const QString &id);
    /// "Do not retry", or "Retry after 1 min, 5 min, …; give up after 3 d".
    static QString retry(const core::KnowledgeBase &kb, const QString &policyId);
    static QString retry(const QStringList &schedule, const QString &giveUpAfter);
    /// RFC 5321's names for the first digit: "Positive completion", …
    static QString replyClassTitle(int replyClass);
    /// A short verdict for badges: "Success", "Temporary failure", "Permanent failure".
    static QString replyClassVerdict(int replyClass);
    static QString hardOrSoft(bool hard);
};

} // namespace smtpscope::ui
