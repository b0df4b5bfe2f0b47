#pragma once

#include <QMetaType>
#include <QString>
#include <QStringList>

namespace smtpscope::core {

class KnowledgeBase;

/// Which kind of knowledge decided a classification, strongest first.
enum class EvidenceSource { ProviderRule, TextRule, EnhancedCode, ReplyCode, None };

QString evidenceSourceName(EvidenceSource source);

/// Why a classification was made: the rule or code that decided, and the words it matched.
struct Evidence
{
    EvidenceSource source = EvidenceSource::None;
    QString ruleId; ///< rule id, "X.1.1" or "550"
    QString matchedText; ///< the words the rule matched, empty for code defaults
    qsizetype matchStart = -1; ///< offset of matchedText in the reply text
    QString summary; ///< one readable sentence

    friend bool operator==(const Evidence &, const Evidence &) = default;
};

/// The verdict on one reply or recipient: reason, hard/soft, what to do, and why.
struct Classification
{
    QString reason = QStringLiteral("undefined");
    bool hard = false;
    QString action = QStringLiteral("investigate");
    QString retryPolicy = QStringLiteral("never"); ///< a retry policy id of the knowledge base
    QString retry = QStringLiteral("never"); ///< "backoff", "slow" or "never" (the CLI contract)
    QStringList schedule; ///< readable retry delays ("5 min", "30 min", …)
    QString giveUpAfter; ///< readable, empty when there is no retry
    QString advice;
    double confidence = 0.0; ///< 0..1, by the kind of evidence
    Evidence evidence;

    friend bool operator==(const Classification &, const Classification &) = default;
};

/// The hard-bounce rule: userunknown, hostunknown, hasmoved, and notaccept with a 5xx code.
bool isHardBounce(const QString &reason, int replyClass);

/// Fills the retry fields (retry, schedule, giveUpAfter) from the knowledge base's policy named by
/// `c.retryPolicy`; leaves them as they are when the knowledge base has no such policy.
void applyRetryPolicy(Classification &c, const KnowledgeBase &kb);

} // namespace smtpscope::core

Q_DECLARE_METATYPE(smtpscope::core::Classification)
