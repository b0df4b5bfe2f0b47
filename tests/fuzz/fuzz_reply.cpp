// Fuzz target: any text as SMTP reply lines, through the reply parser and the knowledge-base decoder.
#include "kb/knowledgebase.h"
#include "reply/replydecoder.h"
#include "reply/replyparser.h"

#include <QString>

#include <cstddef>
#include <cstdint>

using namespace smtpscope::core;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const ReplyDecoder decoder(KnowledgeBase::builtIn());
    const QString text = QString::fromUtf8(reinterpret_cast<const char *>(data), qsizetype(size));
    const ReplyParseResult parsed = ReplyParser::parse(text);
    for (const Reply &reply : parsed.replies) {
        const Decoding d = decoder.decode(reply);
        if (d.classification.reason.isEmpty())
            __builtin_trap();
    }
    return 0;
}
