#pragma once

namespace smtpscope::cli {

class CliContext;

/// `smtpscope-cli classify [--format table|jsonl|json] [--stats] [--summary] [--jobs N] PATH...`: decodes and
/// classifies every bounce, DSN, complaint report and auto-reply in files, folders, mbox files and Maildirs.
int runClassify(CliContext &context);

} // namespace smtpscope::cli
