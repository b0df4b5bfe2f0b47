#pragma once

namespace smtpscope::cli {

class CliContext;

/// `smtpscope-cli codes`: lists the knowledge base.
int runCodes(CliContext &context);

} // namespace smtpscope::cli
