"""The onramp worker: one process that hosts every workflow and activity, configured by ONRAMP_ variables.

Run it alone (`python worker.py` or `onramp worker`) to scale out: every replica polls the same task queue. What it
hosts and how is starter/worker_host.py, which `onramp dev` runs too.
"""

from starter.worker_host import main

if __name__ == "__main__":
    main()
