#pragma once

#include "bounce/bouncereport.h"
#include "bounce/parsedmessage.h"
#include "reply/replydecoder.h"

#include <memory>

namespace smtpscope::core {

/// Turns a parsed message into a BounceReport: RFC 3464 DSNs, ARF complaint reports, RFC 8098
/// notifications of automatic deletion (Sieve rejections), RFC 3834 auto-replies and the free-text
/// bounces of other MTAs, each recipient classified with the
/// knowledge base. A message that is none of these gives the note "not a bounce" and no results.
/// Cheap to copy; safe to use from several threads.
class BounceDecoder
{
public:
    explicit BounceDecoder(std::shared_ptr<const KnowledgeBase> kb);

    BounceReport decode(const ParsedMessage &message) const;

    /// Classifies one result from its diagnostic, codes, remote MTA and recipient domain, and fills
    /// in the missing status (the class with ".0.0") when the bounce states none.
    void classify(DeliveryResult &result) const;

    const ReplyDecoder &replyDecoder() const { return m_decoder; }

private:
    ReplyDecoder m_decoder;
};

} // namespace smtpscope::core
