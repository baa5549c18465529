"""City sentinels (城市哨兵): filing neighbourhood problems, duplicates within 250 m, status and notifications."""
