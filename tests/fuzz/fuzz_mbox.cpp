// Fuzz target: any bytes as an mbox: the From_ line split, then every message through the MIME reader and the
// bounce decoder, as `classify` reads a mailbox.
#include "bounce/bouncedecoder.h"
#include "bounce/mboxreader.h"
#include "bounce/messageparser.h"
#include "kb/knowledgebase.h"

#include <QBuffer>
#include <QByteArray>

#include <cstddef>
#include <cstdint>

using namespace smtpscope::core;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const BounceDecoder decoder(KnowledgeBase::builtIn());
    QByteArray bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    QBuffer device(&bytes);
    device.open(QIODevice::ReadOnly);
    MboxReader reader(&device);
    if (!reader.startsLikeMbox())
        return 0;
    QByteArray message;
    qint64 total = 0;
    while (reader.nextMessage(message)) {
        total += message.size();
        // The split never invents bytes: the messages together are at most the input.
        if (total > qint64(size))
            __builtin_trap();
        decoder.decode(MessageParser::parse(message));
    }
    return 0;
}
