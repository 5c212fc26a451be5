#!/usr/bin/env bash
# Briefing on a Slurm cluster: eight array tasks split one batch with no
# overlap (--shard auto reads SLURM_ARRAY_TASK_ID/COUNT). The inbox and output
# folder must be on storage every node sees. Submit with: sbatch slurm-array.sh
#SBATCH --job-name=briefing
#SBATCH --array=0-7
#SBATCH --cpus-per-task=2
#SBATCH --mem=2G
#SBATCH --time=01:00:00
set -euo pipefail
# Shards write different article folders and lock only their own share, so
# all eight run at once on the same output folder.
exec "$HOME/briefing/build/briefing" batch "$HOME/inbox" -o "$HOME/briefings" \
  --shard auto --jobs "${SLURM_CPUS_PER_TASK:-2}" \
  --report "$HOME/briefings/report-${SLURM_ARRAY_TASK_ID}.json"
