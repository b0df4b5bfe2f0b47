#include "reply/replydecoder.h"

namespace smtpscope::core {

namespace {

struct Verdict
{
    Outcome outcome;
    Evidence evidence;
    double confidence = 0.2;
};

Outcome fallbackOutcome(int replyClass)
{
    switch (replyClass) {
    case 2:
    case 3:
        return { QStringLiteral("delivered"), QStringLiteral("none"), QStringLiteral("never"), {} };
    case 4:
        return { QStringLiteral("onhold"), QStringLiteral("retry-backoff"), QStringLiteral("backoff"),
            QStringLiteral("A temporary failure the knowledge base does not know: retry with backoff and look "
                           "at the text if it persists.") };
    default:
        return { QStringLiteral("undefined"), QStringLiteral("investigate"), QStringLiteral("never"),
            QStringLiteral("Nothing in the knowledge base explains this reply: read the text and check with "
                           "the receiver.") };
    }
}

} // namespace

ReplyDecoder::ReplyDecoder(std::shared_ptr<const KnowledgeBase> kb)
    : m_kb(std::move(kb))
{
    Q_ASSERT(m_kb);
}

Classification ReplyDecoder::classify(
    const QString &text, int replyCode, const EnhancedStatus &status, const DecodeContext &context) const
{
    Reply reply;
    reply.code = replyCode;
    reply.status = status;
    reply.textLines = { text };
    return decode(reply, context).classification;
}

Decoding ReplyDecoder::decode(const Reply &reply, const DecodeContext &context) const
{
    const KnowledgeBase &kb = *m_kb;
    Decoding d;
    d.reply = reply;
    d.issues = reply.issues;

    // The reply code decides the class; the enhanced code only when no reply code was given.
    const int replyClass = reply.code ? reply.replyClass() : reply.status.statusClass;
    if (reply.code) {
        if (const ReplyCodeEntry *e = kb.replyCode(reply.code))
            d.replyCode = *e;
        else
            d.issues.append({ ReplyIssue::Severity::Warning, reply.firstLine,
                QStringLiteral("%1 is not a reply code of RFC 5321 or its extensions; read as a %2xx reply.")
                    .arg(reply.code)
                    .arg(replyClass) });
    }
    const EnhancedStatus &status = reply.status;
    if (status.isValid()) {
        if (const ClassEntry *e = kb.statusClass(status.statusClass))
            d.statusClass = *e;
        if (const SubjectEntry *e = kb.subject(status.subject))
            d.subject = *e;
        if (const EnhancedCodeEntry *e = kb.enhancedCode(status.subject, status.detail))
            d.enhancedCode = *e;
        else
            d.issues.append({ ReplyIssue::Severity::Info, reply.firstLine,
                QStringLiteral("%1 is not in the IANA registry of enhanced status codes; only its class and "
                               "subject are standard.")
                    .arg(status.toString()) });
    }

    const QString text = reply.text();
    d.scope = kb.scope(context.remoteHost, context.recipientDomain, text);

    Verdict v;
    const bool success = replyClass == 2 || replyClass == 3;
    const RuleMatch match = success ? RuleMatch() : kb.match(text, replyClass, status, d.scope.providerIds);
    if (match.rule) {
        const RuleEntry &rule = *match.rule;
        d.rule = rule;
        v.outcome = rule.outcome;
        v.evidence.ruleId = rule.id;
        v.evidence.matchedText = match.matchedWords();
        v.evidence.matchStart = match.start;
        if (!rule.provider.isEmpty()) {
            if (const ProviderEntry *p = kb.provider(rule.provider))
                d.provider = *p;
            v.evidence.source = EvidenceSource::ProviderRule;
            v.confidence = 0.95;
            v.evidence.summary
                = QStringLiteral("%1 rule %2 matched \"%3\".")
                      .arg(d.provider ? d.provider->name : rule.provider, rule.id, v.evidence.matchedText);
        } else {
            v.evidence.source = EvidenceSource::TextRule;
            v.confidence = 0.85;
            v.evidence.summary = QStringLiteral("Text rule %1 matched \"%2\".").arg(rule.id, v.evidence.matchedText);
        }
    } else if (d.enhancedCode && !success) {
        // A 4xx reply with a 5.x.x code is still a transient failure: the reply code decides.
        const int cls = replyClass == 4 || replyClass == 5 ? replyClass : status.statusClass;
        v.outcome = d.enhancedCode->outcomeFor(cls);
        v.evidence.source = EvidenceSource::EnhancedCode;
        v.evidence.ruleId = QString::number(cls) + d.enhancedCode->code.mid(1);
        v.confidence = cls == status.statusClass ? 0.7 : 0.6;
        v.evidence.summary = QStringLiteral("Enhanced code %1: %2.").arg(v.evidence.ruleId, d.enhancedCode->title);
    } else if (d.replyCode) {
        v.outcome = d.replyCode->outcome;
        v.evidence.source = EvidenceSource::ReplyCode;
        v.evidence.ruleId = QString::number(reply.code);
        v.confidence = success ? 0.9 : 0.5;
        v.evidence.summary = QStringLiteral("Reply code %1: %2.").arg(reply.code).arg(d.replyCode->title);
    } else {
        v.outcome = fallbackOutcome(replyClass);
        v.evidence.summary = replyClass ? QStringLiteral("Only the reply class (%1xx) is known.").arg(replyClass)
                                        : QStringLiteral("The text carries no reply code and no rule matched.");
    }
    if (v.outcome.advice.isEmpty() && d.replyCode)
        v.outcome.advice = d.replyCode->outcome.advice;

    Classification &c = d.classification;
    c.reason = v.outcome.reason;
    c.hard = isHardBounce(c.reason, replyClass);
    c.action = v.outcome.action;
    c.retryPolicy = v.outcome.retry;
    c.advice = v.outcome.advice;
    c.confidence = v.confidence;
    c.evidence = v.evidence;
    applyRetryPolicy(c, kb);
    return d;
}

} // namespace smtpscope::core
