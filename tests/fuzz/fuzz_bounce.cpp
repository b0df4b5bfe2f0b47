// Fuzz target: any bytes as one message, through the MIME reader and the bounce decoder.
#include "bounce/bouncedecoder.h"
#include "bounce/messageparser.h"
#include "kb/knowledgebase.h"

#include <QByteArray>

#include <cstddef>
#include <cstdint>

using namespace smtpscope::core;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const BounceDecoder decoder(KnowledgeBase::builtIn());
    const QByteArray bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    const BounceReport report = decoder.decode(MessageParser::parse(bytes));
    // Every result must carry a classification: a reason from the vocabulary, never an empty one.
    for (const DeliveryResult &r : report.results) {
        if (r.classification.reason.isEmpty())
            __builtin_trap();
    }
    return 0;
}
