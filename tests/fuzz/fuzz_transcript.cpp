// Fuzz target: any bytes as a transcript or mail log, through detection, the dialect parsers, the
// conversation builder and the protocol checks.
#include "transcript/transcriptreader.h"

#include <QByteArray>

#include <cstddef>
#include <cstdint>

using namespace smtpscope::core;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    const Transcript transcript = TranscriptReader::read(bytes, QStringLiteral("fuzz"));
    // Every step's source range lies inside the input and runs forwards.
    for (const Session &session : transcript.sessions) {
        for (const Step &step : session.steps) {
            if (step.firstLine < 0 || step.firstLine > step.lastLine || step.lastLine > transcript.lineCount)
                __builtin_trap();
        }
    }
    return 0;
}
