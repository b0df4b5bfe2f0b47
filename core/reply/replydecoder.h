#pragma once

#include "classify/classification.h"
#include "kb/knowledgebase.h"
#include "reply/reply.h"

#include <optional>

namespace smtpscope::core {

/// Where a reply came from, to decide which provider rules apply.
struct DecodeContext
{
    QString remoteHost; ///< the receiving MTA's host name (e.g. gmail-smtp-in.l.google.com)
    QString recipientDomain; ///< the recipient's domain (e.g. gmail.com)
};

/// Everything known about one reply: what each code means, which rule applied, and the verdict.
struct Decoding
{
    Reply reply;
    std::optional<ReplyCodeEntry> replyCode;
    std::optional<ClassEntry> statusClass;
    std::optional<SubjectEntry> subject;
    std::optional<EnhancedCodeEntry> enhancedCode; ///< empty for codes outside the registry
    ProviderScope scope;
    std::optional<ProviderEntry> provider; ///< the provider of the rule that decided
    std::optional<RuleEntry> rule; ///< the text or provider rule that decided
    Classification classification;
    QList<ReplyIssue> issues; ///< the reply's own issues plus what decoding noticed
};

/// Decodes replies with a knowledge base. Precedence: provider rule > text rule > enhanced code >
/// reply code. Cheap to copy; safe to use from several threads.
class ReplyDecoder
{
public:
    explicit ReplyDecoder(std::shared_ptr<const KnowledgeBase> kb);

    Decoding decode(const Reply &reply, const DecodeContext &context = {}) const;
    /// Classifies a bare text (such as a bounce diagnostic) with optional codes.
    Classification classify(
        const QString &text, int replyCode, const EnhancedStatus &status, const DecodeContext &context = {}) const;

    const KnowledgeBase &knowledgeBase() const { return *m_kb; }

private:
    std::shared_ptr<const KnowledgeBase> m_kb;
};

} // namespace smtpscope::core

Q_DECLARE_METATYPE(smtpscope::core::Decoding)
